/** OpenPGP packet tags the message readers care about. */
export const TAG = { pkesk: 1, skesk: 3, sed: 9, marker: 10, seipd: 18, aead: 20 } as const;

/** The key ID of a hidden recipient (a "wildcard" session-key packet). */
export const WILDCARD = "0000000000000000";

/** The recipient of a public-key encrypted session key packet (v3: key ID; v6: from the fingerprint). */
export function sessionKeyRecipient(body: Uint8Array): string {
  const version = body[0];
  if (version === 3) {
    if (body.length < 10) throw new Error("a truncated session-key packet");
    return Buffer.from(body.subarray(1, 9)).toString("hex");
  }
  if (version === 6) return v6SessionKeyRecipient(body);
  throw new Error(`an unknown session-key packet version ${version}`);
}

/** A fingerprint's size after its key version octet (RFC 9580 section 5.5.4). */
const FINGERPRINT_OCTETS: Record<number, number> = { 4: 20, 6: 32 };

/**
 * RFC 9580 section 5.1.2: a size octet, then the key version and the fingerprint of the key (a v6
 * key is named by its first 8 octets, a v4 key by its last 8), or size 0 for a hidden recipient;
 * then at least the algorithm octet.
 */
function v6SessionKeyRecipient(body: Uint8Array): string {
  const size = body[1];
  if (size === undefined) throw new Error("a truncated session-key packet");
  if (body.length < 2 + size + 1) throw new Error("a truncated session-key packet");
  if (size === 0) return WILDCARD;
  const keyVersion = body[2]!;
  if (FINGERPRINT_OCTETS[keyVersion] !== size - 1)
    throw new Error(`a session-key packet naming a v${keyVersion} key by a ${size - 1}-octet fingerprint`);
  const fingerprint = body.subarray(3, 2 + size);
  const id = keyVersion === 6 ? fingerprint.subarray(0, 8) : fingerprint.subarray(fingerprint.length - 8);
  return Buffer.from(id).toString("hex");
}

/** A new-format packet header (RFC 9580 section 4.2.1), lengths in their shortest form. */
export function writePacketHeader(tag: number, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff)
    throw new Error(`a packet length of ${length}`);
  const first = 0xc0 | tag;
  if (length < 192) return Uint8Array.of(first, length);
  if (length < 8384) return Uint8Array.of(first, ((length - 192) >> 8) + 192, (length - 192) & 0xff);
  return Uint8Array.of(
    first,
    0xff,
    length >>> 24,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
  );
}

export interface PacketHeader {
  readonly tag: number;
  readonly bodyStart: number;
  readonly bodyLength: number;
  readonly partial: boolean;
}

/** RFC 9580 section 4.2: old- and new-format packet headers. */
export function readPacketHeader(data: Uint8Array, offset: number): PacketHeader {
  const first = at(data, offset);
  if ((first & 0x80) === 0) throw new Error("not an OpenPGP packet stream");
  if (first & 0x40) {
    const tag = first & 0x3f;
    const o1 = at(data, offset + 1);
    if (o1 < 192) return checked(data, { tag, bodyStart: offset + 2, bodyLength: o1, partial: false });
    if (o1 < 224)
      return checked(data, {
        tag,
        bodyStart: offset + 3,
        bodyLength: ((o1 - 192) << 8) + at(data, offset + 2) + 192,
        partial: false,
      });
    if (o1 === 255)
      return checked(data, {
        tag,
        bodyStart: offset + 6,
        bodyLength: readUint32(data, offset + 2),
        partial: false,
      });
    return { tag, bodyStart: offset + 2, bodyLength: 1 << (o1 & 0x1f), partial: true };
  }
  const tag = (first >> 2) & 0x0f;
  switch (first & 0x03) {
    case 0:
      return checked(data, { tag, bodyStart: offset + 2, bodyLength: at(data, offset + 1), partial: false });
    case 1:
      return checked(data, {
        tag,
        bodyStart: offset + 3,
        bodyLength: (at(data, offset + 1) << 8) | at(data, offset + 2),
        partial: false,
      });
    case 2:
      return checked(data, {
        tag,
        bodyStart: offset + 5,
        bodyLength: readUint32(data, offset + 1),
        partial: false,
      });
    default:
      return { tag, bodyStart: offset + 1, bodyLength: data.length - offset - 1, partial: false };
  }
}

function checked(data: Uint8Array, header: PacketHeader): PacketHeader {
  if (
    header.tag !== TAG.seipd &&
    header.tag !== TAG.aead &&
    header.bodyStart + header.bodyLength > data.length
  ) {
    throw new Error("the message is truncated");
  }
  return header;
}

function at(data: Uint8Array, index: number): number {
  const value = data[index];
  if (value === undefined) throw new Error("the message is truncated");
  return value;
}

function readUint32(data: Uint8Array, offset: number): number {
  return (
    ((at(data, offset) << 24) >>> 0) +
    (at(data, offset + 1) << 16) +
    (at(data, offset + 2) << 8) +
    at(data, offset + 3)
  );
}
