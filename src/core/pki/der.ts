/**
 * A minimal DER reader: enough to walk certificates and CSRs, strict as X.690 section 10 asks
 * (definite, minimal lengths; nothing after the last element). The secret scan reads "ber", as
 * OpenSSL does: a private key with padded or indefinite lengths still loads, so it must still be found.
 */
export interface DerNode {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  /** Where the content ends: `end`, or before the end-of-contents octets of an indefinite length. */
  readonly contentEnd: number;
  readonly end: number;
}

export type Encoding = "der" | "ber";

/** Nesting that an indefinite length may open; a key has a handful of levels. */
const MAX_INDEFINITE_DEPTH = 16;

export function readNode(der: Uint8Array, offset: number, encoding: Encoding = "der"): DerNode {
  return readNodeAt(der, offset, encoding, 0);
}

function readNodeAt(der: Uint8Array, offset: number, encoding: Encoding, depth: number): DerNode {
  const tag = der[offset];
  if (tag === undefined) throw new Error("truncated DER");
  if ((tag & 0x1f) === 0x1f) throw new Error("unsupported DER tag");
  const { length, contentStart } = readLength(der, offset + 1, encoding);
  if (length !== null) {
    const end = contentStart + length;
    if (end > der.length) throw new Error("truncated DER");
    return { tag, start: offset, contentStart, contentEnd: end, end };
  }
  if ((tag & 0x20) === 0) throw new Error("an indefinite length on a primitive element");
  if (depth >= MAX_INDEFINITE_DEPTH) throw new Error("indefinite lengths nested too deep");
  let position = contentStart;
  while (der[position] !== 0 || der[position + 1] !== 0) {
    if (position >= der.length) throw new Error("truncated DER");
    position = readNodeAt(der, position, encoding, depth + 1).end;
  }
  return { tag, start: offset, contentStart, contentEnd: position, end: position + 2 };
}

/** X.690 section 8.1.3; DER (10.1) allows only the definite form with the fewest octets. */
function readLength(
  der: Uint8Array,
  offset: number,
  encoding: Encoding,
): { length: number | null; contentStart: number } {
  const first = der[offset];
  if (first === undefined) throw new Error("truncated DER");
  if (first < 0x80) return { length: first, contentStart: offset + 1 };
  const count = first & 0x7f;
  if (count === 0) {
    if (encoding === "der") throw new Error("an indefinite length, which DER does not allow");
    return { length: null, contentStart: offset + 1 };
  }
  if (count === 0x7f) throw new Error("a reserved DER length octet");
  if (encoding === "der" && count > 4) throw new Error("unsupported DER length");
  let length = 0;
  for (let i = 1; i <= count; i++) {
    const byte = der[offset + i];
    if (byte === undefined) throw new Error("truncated DER");
    length = length * 256 + byte;
    if (length > der.length) throw new Error("truncated DER");
  }
  if (encoding === "der" && (length < 0x80 || der[offset + 1] === 0))
    throw new Error("a DER length not in its shortest form");
  return { length, contentStart: offset + 1 + count };
}

/** The one element that `der` holds, with no bytes after it. */
export function readSingleNode(der: Uint8Array): DerNode {
  const node = readNode(der, 0);
  if (node.end !== der.length) throw new Error(`${der.length - node.end} bytes after the DER element`);
  return node;
}

export function childrenOf(der: Uint8Array, node: DerNode, encoding: Encoding = "der"): DerNode[] {
  const children: DerNode[] = [];
  for (let offset = node.contentStart; offset < node.contentEnd;) {
    const child = readNode(der, offset, encoding);
    if (child.end > node.contentEnd) throw new Error("DER element overruns its parent");
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function contentOf(der: Uint8Array, node: DerNode): Uint8Array {
  return der.subarray(node.contentStart, node.contentEnd);
}

export function bytesOf(der: Uint8Array, node: DerNode): Uint8Array {
  return der.subarray(node.start, node.end);
}

/** A subidentifier longer than this is no OID a certificate carries (a UUID arc takes 19). */
const MAX_SUBIDENTIFIER_OCTETS = 20;

/**
 * The dotted form of an OBJECT IDENTIFIER's content (X.690 section 8.19): base-128 subidentifiers,
 * each in the fewest octets, the first one holding the first two arcs (40 * X + Y, X at most 2).
 */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw new Error("an empty OID");
  const subidentifiers: bigint[] = [];
  let value = 0n;
  let octets = 0;
  for (const byte of content) {
    if (octets === 0 && byte === 0x80) throw new Error("an OID subidentifier not in its shortest form");
    if (++octets > MAX_SUBIDENTIFIER_OCTETS) throw new Error("an OID subidentifier too long");
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      subidentifiers.push(value);
      value = 0n;
      octets = 0;
    }
  }
  if (octets !== 0) throw new Error("a truncated OID");
  const [first, ...rest] = subidentifiers as [bigint, ...bigint[]];
  const arcs = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...arcs, ...rest].join(".");
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
