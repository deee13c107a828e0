/** Strict PEM: exactly one block of the expected label, base64 body, nothing but white space around it. */
export type PemRead = { ok: true; der: Uint8Array<ArrayBuffer> } | { ok: false; detail: string };

export function readSinglePem(bytes: Uint8Array, label: string): PemRead {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, detail: "the file is not text (expected PEM)" };
  }
  // Linear on any input: count the markers, then read the one block between them.
  const begins = occurrences(text, "-----BEGIN ");
  const ends = occurrences(text, "-----END ");
  if (begins.length === 0) return { ok: false, detail: `no "${label}" PEM block was found` };
  if (begins.length > 1 || ends.length > 1) {
    return { ok: false, detail: "the file holds more than one PEM block, not exactly one" };
  }
  const header = /^-----BEGIN ([A-Z0-9 ]{1,64})-----/.exec(text.slice(begins[0], begins[0]! + 80));
  const footer =
    ends.length === 1 ? /^-----END ([A-Z0-9 ]{1,64})-----/.exec(text.slice(ends[0], ends[0]! + 80)) : null;
  if (header === null || footer === null || ends[0]! < begins[0]!)
    return { ok: false, detail: "the PEM block is truncated or malformed" };
  const [, begin] = header as unknown as [string, string];
  const [, end] = footer as unknown as [string, string];
  if (begin !== label || end !== label)
    return { ok: false, detail: `the PEM block is "${begin}", not "${label}"` };
  const body = text.slice(begins[0]! + header[0].length, ends[0]);
  const outside = text.slice(0, begins[0]) + text.slice(ends[0]! + footer[0].length);
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

function occurrences(text: string, marker: string): number[] {
  const found: number[] = [];
  for (
    let at = text.indexOf(marker);
    at !== -1 && found.length < 3;
    at = text.indexOf(marker, at + marker.length)
  )
    found.push(at);
  return found;
}
