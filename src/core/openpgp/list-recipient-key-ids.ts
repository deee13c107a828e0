import * as openpgp from "openpgp";
import { armorType, armoredText } from "./armor.js";
import { readPacketHeader, sessionKeyRecipient, TAG, WILDCARD } from "./packet-header.js";
import { openpgpReason } from "./read-public-key.js";

export type RecipientList =
  { ok: true; keyIds: string[]; passwordRecipients: number } | { ok: false; detail: string };

/**
 * The recipient key IDs (lower-case hex) of an encrypted OpenPGP message, read from the headers of
 * its session-key packets without decrypting, or even reading, the encrypted data. A hidden
 * recipient reads as all zeros. Reading only headers keeps a 200-recipient message cheap.
 */
export async function listRecipientKeyIds(bytes: Uint8Array): Promise<RecipientList> {
  const armor = armorType(bytes);
  try {
    if (armor !== null && armor !== "MESSAGE")
      throw new Error(`the armor is "PGP ${armor}", not "PGP MESSAGE"`);
    const binary = armor === null ? bytes : (await openpgp.unarmor(armoredText(bytes))).data;
    return { ok: true, ...walkSessionKeyPackets(binary as Uint8Array) };
  } catch (cause) {
    return { ok: false, detail: openpgpReason(cause) };
  }
}

function walkSessionKeyPackets(data: Uint8Array): { keyIds: string[]; passwordRecipients: number } {
  const keyIds: string[] = [];
  let passwordRecipients = 0;
  let offset = 0;
  while (offset < data.length) {
    const packet = readPacketHeader(data, offset);
    const body = data.subarray(packet.bodyStart, packet.bodyStart + packet.bodyLength);
    switch (packet.tag) {
      case TAG.pkesk:
        keyIds.push(sessionKeyRecipient(body));
        break;
      case TAG.skesk:
        passwordRecipients++;
        break;
      case TAG.marker:
        break;
      case TAG.seipd:
      case TAG.aead:
        if (keyIds.length + passwordRecipients === 0) throw new Error("the message has no recipients");
        return { keyIds, passwordRecipients };
      case TAG.sed:
        throw new Error("the message is encrypted without integrity protection");
      default:
        throw new Error(
          `packet type ${packet.tag} comes before any encrypted data: not an encrypted message`,
        );
    }
    if (packet.partial) throw new Error("a session-key packet with a partial length");
    offset = packet.bodyStart + packet.bodyLength;
  }
  throw new Error("the message holds no integrity-protected encrypted data");
}

export function isHiddenRecipient(keyId: string): boolean {
  return keyId === WILDCARD;
}
