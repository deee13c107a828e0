import { verify, type KeyObject } from "node:crypto";
import { firstElementOfSequence } from "./der.js";

const KEY_TYPE: Record<string, string> = { ECDSA: "ec", "RSASSA-PKCS1-v1_5": "rsa", Ed25519: "ed25519" };

export interface SignedDer {
  /** The whole signed structure (certificate or CSR), DER: its first element is what was signed. */
  readonly der: Uint8Array;
  readonly signatureAlgorithm: { name: string; hash?: { name: string } } | Algorithm;
  readonly signature: ArrayBuffer;
}

/**
 * Verify the signature of a DER certificate or CSR over its exact to-be-signed bytes with node's
 * native crypto (much faster than WebCrypto). Returns null for algorithms it does not handle
 * (RSA-PSS), so the caller can take another path; false when the declared algorithm does not fit
 * the key or the signature is wrong. Fails closed.
 */
export function verifyDerSignature(signed: SignedDer, publicKey: KeyObject): boolean | null {
  const algorithm = signed.signatureAlgorithm as { name: string; hash?: { name: string } };
  const keyType = KEY_TYPE[algorithm.name];
  if (keyType === undefined) return null;
  if (publicKey.asymmetricKeyType !== keyType) return false;
  try {
    const hash = algorithm.name === "Ed25519" ? null : (algorithm.hash?.name ?? "").replace("-", "").toLowerCase();
    if (hash === "") return false;
    return verify(hash, firstElementOfSequence(signed.der), publicKey, new Uint8Array(signed.signature));
  } catch {
    return false;
  }
}
