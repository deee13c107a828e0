import { x509 } from "./x509.js";
import { sameBytes } from "../tree/repo-tree.js";
import { CLIENT_PROFILE_EXTENSIONS, DAY_MS, BACKDATE_MS } from "./client-profile.js";
import { extensionsOf, isSignedBy, subjectValues } from "./read-certificate.js";
import type { CsrFacts } from "./read-csr.js";

export interface CertificateProblem {
  readonly rule: string;
  readonly message: string;
}

/**
 * Judge an issued admin certificate against the CSR beside it, the cluster CA and the fixed client
 * profile (DESIGN section 3, invariant 6).
 */
export async function judgeAdminCertificate(
  certificate: x509.X509Certificate,
  csr: CsrFacts | null,
  ca: x509.X509Certificate | null,
  maxDays: number,
  now: Date,
): Promise<CertificateProblem[]> {
  const problems: CertificateProblem[] = [];
  const add = (rule: string, message: string) => problems.push({ rule, message });

  if (ca !== null && !(await isSignedBy(certificate, ca))) {
    add("admin-cert.chain", "the certificate is not signed by this cluster's ca.pem");
  }
  if (csr !== null && !sameBytes(new Uint8Array(certificate.publicKey.rawData), csr.spki)) {
    add("admin-cert.key-mismatch", "the certificate's public key is not the key of the CSR beside it");
  }
  if (now < certificate.notBefore) add("admin-cert.not-yet-valid", "the certificate is not valid yet");
  if (now > certificate.notAfter)
    add("admin-cert.expired", `the certificate expired on ${isoDay(certificate.notAfter)}`);
  const days = (certificate.notAfter.getTime() - certificate.notBefore.getTime() - BACKDATE_MS) / DAY_MS;
  if (days > maxDays + 1) {
    add(
      "admin-cert.validity",
      `the certificate is valid for ${Math.round(days)} days, more than admin_cert_days (${maxDays})`,
    );
  }

  const basic = extensionsOf(certificate).get(x509.BasicConstraintsExtension);
  if (basic === null || basic.ca || !basic.critical) {
    add("admin-cert.profile", "basicConstraints must be present, critical and CA:false");
  }
  const usage = extensionsOf(certificate).get(x509.KeyUsagesExtension);
  const isRsa = certificate.publicKey.algorithm.name.startsWith("RSA");
  const allowedUsage = x509.KeyUsageFlags.digitalSignature | (isRsa ? x509.KeyUsageFlags.keyEncipherment : 0);
  if (
    usage === null ||
    !(usage.usages & x509.KeyUsageFlags.digitalSignature) ||
    usage.usages & ~allowedUsage
  ) {
    add("admin-cert.profile", `keyUsage must be digitalSignature${isRsa ? " (+keyEncipherment)" : ""} only`);
  }
  const eku = extensionsOf(certificate).get(x509.ExtendedKeyUsageExtension);
  if (eku === null || eku.usages.length !== 1 || eku.usages[0] !== x509.ExtendedKeyUsage.clientAuth) {
    add("admin-cert.profile", "extendedKeyUsage must be clientAuth only");
  }
  const ski = extensionsOf(certificate).get(x509.SubjectKeyIdentifierExtension);
  const aki = extensionsOf(certificate).get(x509.AuthorityKeyIdentifierExtension);
  if (ski === null) add("admin-cert.profile", "the subject key identifier is missing");
  if (aki === null)
    add("admin-cert.profile", "the authority key identifier is missing (openssl -x509_strict refuses it)");
  const caSki = ca === null ? null : extensionsOf(ca).get(x509.SubjectKeyIdentifierExtension);
  if (aki?.keyId !== undefined && caSki && aki.keyId !== caSki.keyId) {
    add("admin-cert.chain", "the authority key identifier is not the CA's key identifier");
  }
  const extra = extensionsOf(certificate).types().filter((type) => !CLIENT_PROFILE_EXTENSIONS.has(type));
  if (extra.length > 0) {
    add(
      "admin-cert.profile",
      `extensions outside the client profile: ${extra.join(", ")}`,
    );
  }

  if (csr !== null) {
    const cn = subjectValues(certificate.subjectName, "CN");
    const groups = subjectValues(certificate.subjectName, "O");
    if (cn.join() !== csr.commonNames.join())
      add("admin-cert.subject", `CN ${cn.join(",")} differs from the CSR's`);
    if ([...groups].sort().join("\n") !== [...csr.organizations].sort().join("\n")) {
      add("admin-cert.subject", `groups (O) ${groups.join(", ") || "none"} differ from the CSR's`);
    }
  }
  return problems;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
