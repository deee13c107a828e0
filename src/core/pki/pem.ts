/** Strict PEM: exactly one block of the expected label, base64 body, nothing but white space around it. */
export type PemRead = { ok: true; der: Uint8Array<ArrayBuffer> } | { ok: false; detail: string };

export function readSinglePem(bytes: Uint8Array, label: string): PemRead {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, detail: "the file is not text (expected PEM)" };
  }
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g)];
  if (blocks.length === 0) return { ok: false, detail: `no "${label}" PEM block was found` };
  if (blocks.length > 1)
    return { ok: false, detail: `the file holds ${blocks.length} PEM blocks, not exactly one` };
  const [whole, begin, body, end] = blocks[0] as unknown as [string, string, string, string];
  if (begin !== label || end !== label) {
    return { ok: false, detail: `the PEM block is "${begin}", not "${label}"` };
  }
  const outside = text.replace(whole, "");
  if (outside.trim() !== "") return { ok: false, detail: "the file has text outside its PEM block" };
  const base64 = body.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    return { ok: false, detail: "the PEM body is not valid base64 (truncated?)" };
  }
  return { ok: true, der: new Uint8Array(Buffer.from(base64, "base64")) };
}

export function toPem(label: string, der: ArrayBuffer | Uint8Array): string {
  const base64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
