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
  if (version === 6) {
    const length = body[1] ?? 0;
    if (length === 0) return WILDCARD;
    const keyVersion = body[2];
    const fingerprint = body.subarray(3, 2 + length);
    // v6 keys are named by the first 8 bytes of their fingerprint, v4 keys by the last 8
    const id = keyVersion === 6 ? fingerprint.subarray(0, 8) : fingerprint.subarray(fingerprint.length - 8);
    return Buffer.from(id).toString("hex");
  }
  throw new Error(`an unknown session-key packet version ${version}`);
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
