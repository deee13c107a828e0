import { createPrivateKey, createPublicKey } from "node:crypto";
import { sameBytes } from "../tree/repo-tree.js";
import { readCertificate } from "./read-certificate.js";

/** True when a PEM private key is the one whose public half the PEM certificate carries. */
export function keyMatchesCertificate(privateKeyPem: Uint8Array, certificatePem: Uint8Array): boolean {
  const certificate = readCertificate(certificatePem);
  if (!certificate.ok) return false;
  try {
    const fromKey = createPublicKey(createPrivateKey(Buffer.from(privateKeyPem))).export({
      type: "spki",
      format: "der",
    });
    return sameBytes(fromKey, certificate.certificate.spki);
  } catch {
    return false;
  }
}
