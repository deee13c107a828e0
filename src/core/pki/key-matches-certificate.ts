import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";

/** True when a PEM private key is the one whose public half the PEM certificate carries. */
export function keyMatchesCertificate(privateKeyPem: Uint8Array, certificatePem: Uint8Array): boolean {
  try {
    const fromKey = createPublicKey(createPrivateKey(Buffer.from(privateKeyPem))).export({
      type: "spki",
      format: "der",
    });
    const fromCertificate = new X509Certificate(Buffer.from(certificatePem)).publicKey.export({
      type: "spki",
      format: "der",
    });
    return fromKey.equals(fromCertificate);
  } catch {
    return false;
  }
}
