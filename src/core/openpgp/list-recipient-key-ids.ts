import * as openpgp from "openpgp";
import { armorType, armoredText } from "./armor.js";
import { openpgpReason } from "./read-public-key.js";

export type RecipientList =
  { ok: true; keyIds: string[]; passwordRecipients: number } | { ok: false; detail: string };

const WILDCARD = "0000000000000000";

/**
 * The recipient key IDs (lower-case hex) of an encrypted OpenPGP message, read from its public-key
 * encrypted session key packets, without decrypting anything. A hidden recipient reads as all zeros.
 */
export async function listRecipientKeyIds(bytes: Uint8Array): Promise<RecipientList> {
  const armor = armorType(bytes);
  try {
    if (armor !== null && armor !== "MESSAGE")
      throw new Error(`the armor is "PGP ${armor}", not "PGP MESSAGE"`);
    const message =
      armor === null
        ? await openpgp.readMessage({ binaryMessage: bytes })
        : await openpgp.readMessage({ armoredMessage: armoredText(bytes) });
    const passwords = message.packets.filterByTag(openpgp.enums.packet.symEncryptedSessionKey);
    const encrypted =
      message.packets.filterByTag(openpgp.enums.packet.symEncryptedIntegrityProtectedData).length +
      message.packets.filterByTag(openpgp.enums.packet.aeadEncryptedData).length;
    if (encrypted === 0) throw new Error("the message holds no integrity-protected encrypted data");
    const keyIds = message.getEncryptionKeyIDs().map((keyId) => keyId.toHex());
    return { ok: true, keyIds, passwordRecipients: passwords.length };
  } catch (cause) {
    return { ok: false, detail: openpgpReason(cause) };
  }
}

export function isHiddenRecipient(keyId: string): boolean {
  return keyId === WILDCARD;
}
