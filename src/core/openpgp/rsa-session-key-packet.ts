import { constants, createPublicKey, publicEncrypt, type KeyObject } from "node:crypto";
import * as openpgp from "openpgp";
import { TAG, writePacketHeader } from "./packet-header.js";

/** An RSA encryption (sub)key, ready for node's crypto: its key ID and a key object made once. */
export interface RsaRecipient {
  readonly keyId: Uint8Array;
  /** The OpenPGP public-key algorithm id of the encryption key (1 or 2). */
  readonly algorithm: number;
  readonly key: KeyObject;
}

/**
 * The RSA encryption key of a recipient, or null when its encryption key is not RSA. openpgp.js
 * imports an RSA key from JWK on every encryption; making the key object once per recipient is what
 * lets a hundred recipients cost little.
 */
export async function rsaRecipient(key: openpgp.PublicKey, now: Date): Promise<RsaRecipient | null> {
  const encryptionKey = await key.getEncryptionKey(undefined, now);
  const { algorithm } = encryptionKey.getAlgorithmInfo();
  if (algorithm !== "rsaEncryptSign" && algorithm !== "rsaEncrypt") return null;
  const { n, e } = encryptionKey.keyPacket.publicParams as { n: Uint8Array; e: Uint8Array };
  const jwk = {
    kty: "RSA",
    n: Buffer.from(n).toString("base64url"),
    e: Buffer.from(e).toString("base64url"),
  };
  return {
    keyId: Buffer.from(encryptionKey.getKeyID().toHex(), "hex"),
    algorithm: encryptionKey.keyPacket.algorithm as number,
    key: createPublicKey({ key: jwk, format: "jwk" }),
  };
}

/**
 * A version 3 public-key encrypted session key packet (RFC 9580 section 5.1) for an RSA recipient:
 * the symmetric algorithm, the session key and its two-byte checksum, PKCS#1 v1.5 encrypted.
 */
export function rsaSessionKeyPacket(
  recipient: RsaRecipient,
  sessionKey: { data: Uint8Array; algorithm: string },
): Uint8Array {
  const algorithm = (openpgp.enums.symmetric as unknown as Record<string, number>)[sessionKey.algorithm];
  if (algorithm === undefined) throw new Error(`unknown session key algorithm ${sessionKey.algorithm}`);
  let checksum = 0;
  for (const byte of sessionKey.data) checksum = (checksum + byte) % 65536;
  const plain = Buffer.concat([
    Buffer.from([algorithm]),
    sessionKey.data,
    Buffer.from([checksum >> 8, checksum & 0xff]),
  ]);
  const encrypted = publicEncrypt({ key: recipient.key, padding: constants.RSA_PKCS1_PADDING }, plain);
  let start = 0;
  while (start < encrypted.length - 1 && encrypted[start] === 0) start++;
  const mpi = encrypted.subarray(start);
  const bits = (mpi.length - 1) * 8 + (32 - Math.clz32(mpi[0]!));
  const body = Buffer.concat([
    Buffer.from([3]),
    recipient.keyId,
    Buffer.from([recipient.algorithm, bits >> 8, bits & 0xff]),
    mpi,
  ]);
  return Buffer.concat([writePacketHeader(TAG.pkesk, body.length), body]);
}
