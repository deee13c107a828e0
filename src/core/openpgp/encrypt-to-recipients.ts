import * as openpgp from "openpgp";

/**
 * Encrypt bytes to every key of a recipient set, with a fresh session key, as an armored message
 * that GnuPG 2.2 opens (SEIPD v1, no AEAD).
 */
export async function encryptToRecipients(
  plaintext: Uint8Array,
  recipients: readonly openpgp.PublicKey[],
  now: Date,
): Promise<string> {
  if (recipients.length === 0) throw new Error("cannot encrypt to an empty recipient set");
  const message = await openpgp.createMessage({ binary: plaintext, date: now });
  return openpgp.encrypt({
    message,
    encryptionKeys: [...recipients],
    date: now,
    format: "armored",
    config: { aeadProtect: false, preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed },
  });
}
