import { x509 } from "./x509.js";
import { readSinglePem } from "./pem.js";

export type CertificateRead = { ok: true; certificate: x509.X509Certificate } | { ok: false; detail: string };

export function readCertificate(bytes: Uint8Array): CertificateRead {
  const pem = readSinglePem(bytes, "CERTIFICATE");
  if (!pem.ok) return pem;
  try {
    return { ok: true, certificate: new x509.X509Certificate(pem.der) };
  } catch (cause) {
    return {
      ok: false,
      detail: `the certificate does not parse: ${(cause as Error).message?.split("\n")[0]}`,
    };
  }
}

/** True when `certificate` was signed by `issuer`'s key and names it as issuer. Building is not validating: dates and profile are checked apart. */
export async function isSignedBy(
  certificate: x509.X509Certificate,
  issuer: x509.X509Certificate,
): Promise<boolean> {
  if (certificate.issuer !== issuer.subject) return false;
  try {
    return await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

export function extensionOf<T extends x509.Extension>(
  certificate: x509.X509Certificate,
  type: new (raw: BufferSource) => T,
): T | null {
  return certificate.getExtension(type);
}

export function subjectValues(name: x509.Name, type: string): string[] {
  return name.toJSON().flatMap((attribute) => attribute[type] ?? []);
}
