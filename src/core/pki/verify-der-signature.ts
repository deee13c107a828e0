import { verify, type KeyObject } from "node:crypto";

/** Signature algorithms accepted on CSRs: name, node digest (null for Ed25519), the key type they need. */
const ALGORITHMS: Record<string, { name: string; digest: string | null; keyType: string }> = {
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", digest: "sha256", keyType: "ec" },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", digest: "sha384", keyType: "ec" },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", digest: "sha512", keyType: "ec" },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", digest: "sha256", keyType: "rsa" },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", digest: "sha384", keyType: "rsa" },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", digest: "sha512", keyType: "rsa" },
  "1.3.101.112": { name: "Ed25519", digest: null, keyType: "ed25519" },
};

export function signatureAlgorithmName(oid: string): string | null {
  return ALGORITHMS[oid]?.name ?? null;
}

/**
 * Verify a signature over exact bytes with node's native crypto. The algorithm must be one we
 * accept and fit the key's type. Fails closed.
 */
export function verifyDerSignature(
  algorithmOid: string,
  signed: Uint8Array,
  signature: Uint8Array,
  publicKey: KeyObject,
): boolean {
  const algorithm = ALGORITHMS[algorithmOid];
  if (algorithm === undefined || publicKey.asymmetricKeyType !== algorithm.keyType) return false;
  try {
    return verify(algorithm.digest, signed, publicKey, signature);
  } catch {
    return false;
  }
}
