import type { KeyObject } from "node:crypto";
import { verifyDerSignature } from "./verify-der-signature.js";
import type { x509 } from "./x509.js";

/** A CSR's self-signature over its exact CertificationRequestInfo bytes. Fails closed. */
export async function verifyCsrSignature(
  der: Uint8Array,
  csr: x509.Pkcs10CertificateRequest,
  publicKey: KeyObject,
): Promise<boolean> {
  const native = verifyDerSignature({ der, signatureAlgorithm: csr.signatureAlgorithm, signature: csr.signature }, publicKey);
  if (native !== null) return native;
  try {
    return await csr.verify();
  } catch {
    return false;
  }
}
