import { x509 } from "./x509.js";
import { toPem } from "./pem.js";
import { adminSubject } from "./client-profile.js";

/** A new admin key pair (EC P-256) and its CSR: CN = login, one O per group. The key never leaves the caller. */
export async function createAdminCsr(
  login: string,
  groups: readonly string[],
): Promise<{ csrPem: string; privateKeyPem: string }> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await globalThis.crypto.subtle.generateKey(algorithm, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: adminSubject(login, groups),
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = await globalThis.crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { csrPem: toPem("CERTIFICATE REQUEST", csr.rawData), privateKeyPem: toPem("PRIVATE KEY", pkcs8) };
}
