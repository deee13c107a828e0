/** A minimal DER reader: enough to walk certificates and CSRs, strict about lengths. */
export interface DerNode {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export function readNode(der: Uint8Array, offset: number): DerNode {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new Error("truncated DER");
  if ((tag & 0x1f) === 0x1f) throw new Error("unsupported DER tag");
  let length = first;
  let contentStart = offset + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[offset + 2 + i] ?? Number.NaN);
    contentStart += count;
  }
  const end = contentStart + length;
  if (!Number.isFinite(end) || end > der.length) throw new Error("truncated DER");
  return { tag, start: offset, contentStart, end };
}

export function childrenOf(der: Uint8Array, node: DerNode): DerNode[] {
  const children: DerNode[] = [];
  for (let offset = node.contentStart; offset < node.end;) {
    const child = readNode(der, offset);
    if (child.end > node.end) throw new Error("DER element overruns its parent");
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function contentOf(der: Uint8Array, node: DerNode): Uint8Array {
  return der.subarray(node.contentStart, node.end);
}

export function bytesOf(der: Uint8Array, node: DerNode): Uint8Array {
  return der.subarray(node.start, node.end);
}

/** The first element inside a DER SEQUENCE, as the exact bytes it was encoded with. */
export function firstElementOfSequence(der: Uint8Array): Uint8Array {
  const outer = readNode(der, 0);
  if (outer.tag !== 0x30) throw new Error("not a DER SEQUENCE");
  return bytesOf(der, readNode(der, outer.contentStart));
}

export function decodeOid(content: Uint8Array): string {
  const first = content[0];
  if (first === undefined) throw new Error("empty OID");
  const parts = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let value = 0;
  for (const byte of content.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf16 = new TextDecoder("utf-16be", { fatal: true });

/** A DER string value (UTF8, Printable, IA5, Teletex, BMP). */
export function decodeString(tag: number, content: Uint8Array): string {
  switch (tag) {
    case 0x0c:
      return utf8.decode(content);
    case 0x13:
    case 0x16:
    case 0x14:
      return latin1.decode(content);
    case 0x1e:
      return utf16.decode(content);
    default:
      throw new Error(`unsupported string type 0x${tag.toString(16)}`);
  }
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
export function decodeTime(tag: number, content: Uint8Array): Date {
  const text = latin1.decode(content);
  const match =
    tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match || (tag !== 0x17 && tag !== 0x18)) throw new Error("invalid certificate time");
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const year = tag === 0x17 ? (y < 50 ? 2000 + y : 1900 + y) : y;
  return new Date(Date.UTC(year, mo - 1, d, h, mi, s));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
