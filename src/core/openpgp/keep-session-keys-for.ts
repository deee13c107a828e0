import { readPacketHeader, sessionKeyRecipient, TAG, WILDCARD } from "./packet-header.js";

/**
 * The message with only the session-key packets addressed to `keyIds` (and hidden recipients'),
 * followed by the encrypted data as it was: opening a key file encrypted to 200 admins then parses
 * one session-key packet, not 200. Anything unexpected returns the message unchanged, for
 * openpgp.js to judge and explain.
 */
export function keepSessionKeysFor(binary: Uint8Array, keyIds: ReadonlySet<string>): Uint8Array {
  const kept: Uint8Array[] = [];
  let offset = 0;
  try {
    while (offset < binary.length) {
      const packet = readPacketHeader(binary, offset);
      if (packet.tag === TAG.seipd || packet.tag === TAG.aead) {
        kept.push(binary.subarray(offset));
        return Buffer.concat(kept);
      }
      const expected = packet.tag === TAG.pkesk || packet.tag === TAG.skesk || packet.tag === TAG.marker;
      if (!expected || packet.partial) return binary;
      const end = packet.bodyStart + packet.bodyLength;
      if (packet.tag === TAG.pkesk) {
        const recipient = sessionKeyRecipient(binary.subarray(packet.bodyStart, end));
        if (keyIds.has(recipient) || recipient === WILDCARD) kept.push(binary.subarray(offset, end));
      }
      offset = end;
    }
  } catch {
    return binary;
  }
  return binary;
}
