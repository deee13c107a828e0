import * as openpgp from "openpgp";
import { rsaRecipient, rsaSessionKeyPacket, type RsaRecipient } from "./rsa-session-key-packet.js";

/** Each parsed key's RSA encryption key, made once: a key object per recipient, not per message. */
const rsaRecipients = new WeakMap<openpgp.PublicKey, RsaRecipient | null>();

const CONFIG = { aeadProtect: false, preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed };

/**
 * Encrypt bytes to every key of a recipient set, with a fresh session key, as an armored message
 * that GnuPG 2.2 opens (SEIPD v1, no AEAD). RSA recipients' session-key packets are made with node's
 * crypto; the others, and the encrypted data, by openpgp.js.
 */
export async function encryptToRecipients(
  plaintext: Uint8Array,
  recipients: readonly openpgp.PublicKey[],
  now: Date,
): Promise<string> {
  if (recipients.length === 0) throw new Error("cannot encrypt to an empty recipient set");
  const message = await openpgp.createMessage({ binary: plaintext, date: now });
  const sessionKey = await openpgp.generateSessionKey({
    encryptionKeys: [...recipients],
    date: now,
    config: CONFIG,
  });
  if (sessionKey.aeadAlgorithm) {
    return openpgp.encrypt({
      message,
      encryptionKeys: [...recipients],
      date: now,
      format: "armored",
      config: CONFIG,
    });
  }
  const rsa: RsaRecipient[] = [];
  const others: openpgp.PublicKey[] = [];
  for (const key of recipients) {
    let found = rsaRecipients.get(key);
    if (found === undefined) {
      found = await rsaRecipient(key, now);
      rsaRecipients.set(key, found);
    }
    if (found === null) others.push(key);
    else rsa.push(found);
  }
  const packets = rsa.map((recipient) => rsaSessionKeyPacket(recipient, sessionKey));
  const rest = await openpgp.encrypt({
    message,
    sessionKey,
    encryptionKeys: others,
    date: now,
    format: "binary",
    config: CONFIG,
  });
  // with its CRC24 line: GnuPG 2.2 cannot find the end of an unpadded body without it
  return openpgp.armor(
    openpgp.enums.armor.message,
    Buffer.concat([...packets, rest]),
    undefined,
    undefined,
    undefined,
    true,
  );
}
