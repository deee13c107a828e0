import * as openpgp from "openpgp";
import { armorType, armoredText } from "./armor.js";
import { keepSessionKeysFor } from "./keep-session-keys-for.js";

/**
 * What a key file may decompress to: its plaintext is one PEM private key, a few KB. A message that
 * inflates past this is refused (a 3 KB "compression bomb" would otherwise grow to gigabytes).
 */
export const MAX_PLAINTEXT_BYTES = 256 * 1024;

/** Decrypt an OpenPGP message (armored or binary) with one private key; the plaintext stays in memory. */
export async function decryptMessage(
  bytes: Uint8Array,
  decryptionKey: openpgp.PrivateKey,
  maxPlaintextBytes = MAX_PLAINTEXT_BYTES,
): Promise<Uint8Array> {
  const binary =
    armorType(bytes) === null ? bytes : ((await openpgp.unarmor(armoredText(bytes))).data as Uint8Array);
  const ownKeyIds = new Set(decryptionKey.getKeyIDs().map((keyId) => keyId.toHex()));
  const message = await openpgp.readMessage({ binaryMessage: keepSessionKeysFor(binary, ownKeyIds) });
  const { data } = await openpgp.decrypt({
    message,
    decryptionKeys: decryptionKey,
    format: "binary",
    config: { maxDecompressedMessageSize: maxPlaintextBytes },
  });
  if (data.length > maxPlaintextBytes)
    throw new Error(`the message holds more than ${maxPlaintextBytes} bytes, far more than a private key`);
  return data;
}

/** Read an armored private key, unlocking it with the passphrase when it is protected. */
export async function readDecryptionKey(
  armoredKey: string,
  passphrase?: string,
): Promise<openpgp.PrivateKey> {
  const key = await openpgp.readPrivateKey({ armoredKey });
  if (key.isDecrypted()) return key;
  if (passphrase === undefined)
    throw new Error("the private key is passphrase-protected and no passphrase was given");
  return openpgp.decryptKey({ privateKey: key, passphrase });
}
