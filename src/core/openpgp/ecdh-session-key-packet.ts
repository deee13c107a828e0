import {
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import type * as openpgp from "openpgp";
import { TAG, writePacketHeader } from "./packet-header.js";

/** PKCS#8 and SPKI DER of an X25519 key, up to its 32 key bytes (RFC 8410): no JWK anywhere. */
const PKCS8_X25519_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

/** A Curve25519 (legacy ECDH, RFC 6637) encryption key, ready for node's crypto. */
export interface EcdhRecipient {
  readonly keyId: Uint8Array;
  readonly key: KeyObject;
  /** The KDF's fixed parameter: curve OID, algorithm, KDF parameters, "Anonymous Sender", fingerprint. */
  readonly param: Uint8Array;
  readonly hash: string;
  readonly kekBits: 128 | 192 | 256;
}

const CURVE25519_OID = "2b060104019755010501"; // 1.3.6.1.4.1.3029.1.5.1
const ECDH = 18;
const HASHES: Record<number, string> = { 8: "sha256", 9: "sha384", 10: "sha512" };
const KEK_BITS: Record<number, 128 | 192 | 256> = { 7: 128, 8: 192, 9: 256 };

/** The Curve25519 encryption key of a recipient, or null when it is another kind (openpgp.js handles those). */
export async function ecdhRecipient(key: openpgp.PublicKey, now: Date): Promise<EcdhRecipient | null> {
  const encryptionKey = await key.getEncryptionKey(undefined, now);
  const packet = encryptionKey.keyPacket;
  if ((packet.algorithm as number) !== ECDH || packet.version !== 4) return null;
  const params = packet.publicParams as {
    oid: { write(): Uint8Array };
    Q: Uint8Array;
    kdfParams: { hash: number; cipher: number; write(): Uint8Array };
  };
  const oid = params.oid.write();
  if (
    Buffer.from(oid.subarray(1)).toString("hex") !== CURVE25519_OID ||
    params.Q[0] !== 0x40 ||
    params.Q.length !== 33
  )
    return null;
  const hash = HASHES[params.kdfParams.hash];
  const kekBits = KEK_BITS[params.kdfParams.cipher];
  if (hash === undefined || kekBits === undefined) return null;
  const fingerprint = Buffer.from(encryptionKey.getFingerprint(), "hex");
  const param = Buffer.concat([
    oid,
    Buffer.from([ECDH]),
    params.kdfParams.write(),
    Buffer.from("Anonymous Sender    ", "latin1"),
    fingerprint,
  ]);
  const spki = Buffer.concat([SPKI_X25519_PREFIX, params.Q.subarray(1)]);
  return {
    keyId: Buffer.from(encryptionKey.getKeyID().toHex(), "hex"),
    key: createPublicKey({ key: spki, format: "der", type: "spki" }),
    param,
    hash,
    kekBits,
  };
}

/**
 * A version 3 public-key encrypted session key packet for a Curve25519 recipient (RFC 6637
 * sections 7-8): an ephemeral X25519 key, the shared secret through the KDF, and the session key
 * (algorithm, key, checksum, PKCS#5 padded) wrapped with AES key wrap.
 */
export function ecdhSessionKeyPacket(
  recipient: EcdhRecipient,
  sessionKey: { data: Uint8Array; algorithm: number },
): Uint8Array {
  let checksum = 0;
  for (const byte of sessionKey.data) checksum = (checksum + byte) % 65536;
  const message = Buffer.concat([
    Buffer.from([sessionKey.algorithm]),
    sessionKey.data,
    Buffer.from([checksum >> 8, checksum & 0xff]),
  ]);
  const pad = 8 - (message.length % 8);
  const padded = Buffer.concat([message, Buffer.alloc(pad, pad)]);
  const ephemeral = ephemeralX25519();
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.key });
  const kek = createHash(recipient.hash)
    .update(Buffer.from([0, 0, 0, 1]))
    .update(shared)
    .update(recipient.param)
    .digest()
    .subarray(0, recipient.kekBits / 8);
  const wrap = createCipheriv(`id-aes${recipient.kekBits}-wrap`, kek, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
  const wrapped = Buffer.concat([wrap.update(padded), wrap.final()]);
  const point = Buffer.concat([Buffer.from([0x40]), ephemeral.publicKey]);
  const bits = (point.length - 1) * 8 + 7; // 0x40 has 7 significant bits
  const body = Buffer.concat([
    Buffer.from([3]),
    recipient.keyId,
    Buffer.from([ECDH, bits >> 8, bits & 0xff]),
    point,
    Buffer.from([wrapped.length]),
    wrapped,
  ]);
  shared.fill(0);
  kek.fill(0);
  return Buffer.concat([writePacketHeader(TAG.pkesk, body.length), body]);
}

/**
 * A fresh X25519 key pair from 32 random bytes (X25519 clamps them itself), its public half as raw
 * bytes from the SPKI DER. Neither a key-generation job nor a JWK export: in Node 20, exporting a
 * key as JWK holds the key's lock while it allocates, and a garbage collection in that window that
 * destroys a finished key-generation job takes the same lock — the process deadlocked for good
 * (twice in ~70,000 keys; a re-encryption makes thousands).
 */
function ephemeralX25519(): { privateKey: KeyObject; publicKey: Buffer } {
  const secret = randomBytes(32);
  const der = Buffer.concat([PKCS8_X25519_PREFIX, secret]);
  secret.fill(0);
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  der.fill(0);
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  return { privateKey, publicKey: spki.subarray(SPKI_X25519_PREFIX.length) };
}
