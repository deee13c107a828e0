import * as openpgp from "openpgp";
import { ecdhRecipient, ecdhSessionKeyPacket, type EcdhRecipient } from "./ecdh-session-key-packet.js";
import { rsaRecipient, rsaSessionKeyPacket, type RsaRecipient } from "./rsa-session-key-packet.js";

type NativeRecipient =
  { kind: "rsa"; recipient: RsaRecipient } | { kind: "ecdh"; recipient: EcdhRecipient } | null;

/** Each parsed key's encryption key, made ready for node's crypto once: per recipient, not per message. */
const nativeRecipients = new WeakMap<openpgp.PublicKey, NativeRecipient>();

const CONFIG = { aeadProtect: false, preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed };

async function nativeRecipient(key: openpgp.PublicKey, now: Date): Promise<NativeRecipient> {
  let found = nativeRecipients.get(key);
  if (found === undefined) {
    const rsa = await rsaRecipient(key, now);
    const ecdh = rsa === null ? await ecdhRecipient(key, now) : null;
    found =
      rsa !== null
        ? { kind: "rsa", recipient: rsa }
        : ecdh !== null
          ? { kind: "ecdh", recipient: ecdh }
          : null;
    nativeRecipients.set(key, found);
  }
  return found;
}

/**
 * Encrypt bytes to every key of a recipient set, with a fresh session key, as an armored message
 * that GnuPG 2.2 opens (SEIPD v1, no AEAD). Session-key packets for RSA and Curve25519 recipients
 * are made with node's crypto (openpgp.js does each in JavaScript, a hundred recipients took
 * seconds); any other kind, and the encrypted data, by openpgp.js.
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
  const algorithm = (openpgp.enums.symmetric as unknown as Record<string, number>)[sessionKey.algorithm];
  if (sessionKey.aeadAlgorithm || algorithm === undefined) {
    return openpgp.encrypt({
      message,
      encryptionKeys: [...recipients],
      date: now,
      format: "armored",
      config: CONFIG,
    });
  }
  const packets: Uint8Array[] = [];
  const others: openpgp.PublicKey[] = [];
  for (const key of recipients) {
    const native = await nativeRecipient(key, now);
    if (native?.kind === "rsa") packets.push(rsaSessionKeyPacket(native.recipient, sessionKey));
    else if (native?.kind === "ecdh")
      packets.push(ecdhSessionKeyPacket(native.recipient, { data: sessionKey.data, algorithm }));
    else others.push(key);
  }
  const rest = await openpgp.encrypt({
    message,
    sessionKey,
    encryptionKeys: others,
    date: now,
    format: "binary",
    config: CONFIG,
  });
  // with its CRC24 line: GnuPG 2.2 cannot find the end of some long bodies without it
  return openpgp.armor(
    openpgp.enums.armor.message,
    Buffer.concat([...packets, rest]),
    undefined,
    undefined,
    undefined,
    true,
  );
}
