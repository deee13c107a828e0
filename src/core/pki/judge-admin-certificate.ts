import type { ErrorRuleId, RuleId } from "../rules-registry.js";
import { sameBytes } from "../tree/repo-tree.js";
import { KEY_USAGE, OID } from "./certificate-extensions.js";
import { CLIENT_PROFILE_EXTENSIONS, DAY_MS, BACKDATE_MS } from "./client-profile.js";
import { isSignedBy, type Certificate } from "./read-certificate.js";
import type { CsrFacts } from "./read-csr.js";

/** A rule a certificate breaks, and the sentence that says how. */
export interface CertificateProblem<R extends RuleId = ErrorRuleId> {
  readonly rule: R;
  readonly message: string;
}

export type AdminCertificateRule = Extract<RuleId, `admin-cert.${string}`>;

/**
 * Judge an issued admin certificate against the CSR beside it, the cluster CA and the fixed client
 * profile (DESIGN section 3, invariant 6).
 */
export function judgeAdminCertificate(
  certificate: Certificate,
  csr: CsrFacts | null,
  ca: Certificate | null,
  maxDays: number,
  now: Date,
): CertificateProblem<AdminCertificateRule>[] {
  const problems: CertificateProblem<AdminCertificateRule>[] = [];
  const add = (rule: AdminCertificateRule, message: string) => problems.push({ rule, message });
  const { extensions } = certificate;

  if (ca !== null && !isSignedBy(certificate, ca))
    add("admin-cert.chain", "the certificate is not signed by this cluster's ca.pem");
  if (csr !== null && !sameBytes(certificate.spki, csr.spki)) {
    add("admin-cert.key-mismatch", "the certificate's public key is not the key of the CSR beside it");
  }
  if (now < certificate.notBefore) add("admin-cert.not-yet-valid", "the certificate is not valid yet");
  if (now > certificate.notAfter)
    add(
      "admin-cert.expired",
      `the certificate expired on ${isoDay(certificate.notAfter)}: renew it — in one pull request, remove this .pem and replace the CSR and its signature with a new key's (a new CSR beside the old .pem does not match it)`,
    );
  const days = (certificate.notAfter.getTime() - certificate.notBefore.getTime() - BACKDATE_MS) / DAY_MS;
  if (days > maxDays + 1) {
    add(
      "admin-cert.validity",
      `the certificate is valid for ${Math.round(days)} days, more than admin_cert_days (${maxDays})`,
    );
  }

  const basic = extensions.basicConstraints;
  if (basic === null || basic.ca || !basic.critical)
    add("admin-cert.profile", "basicConstraints must be present, critical and CA:false");
  const isRsa = certificate.publicKey.asymmetricKeyType === "rsa";
  const allowedUsage = KEY_USAGE.digitalSignature | (isRsa ? KEY_USAGE.keyEncipherment : 0);
  const usage = extensions.keyUsage;
  if (usage === null || !(usage.flags & KEY_USAGE.digitalSignature) || usage.flags & ~allowedUsage) {
    add("admin-cert.profile", `keyUsage must be digitalSignature${isRsa ? " (+keyEncipherment)" : ""} only`);
  }
  const eku = extensions.extKeyUsage;
  if (eku === null || eku.length !== 1 || eku[0] !== OID.clientAuth)
    add("admin-cert.profile", "extendedKeyUsage must be clientAuth only");
  if (extensions.subjectKeyId === null) add("admin-cert.profile", "the subject key identifier is missing");
  if (extensions.authorityKeyId === null) {
    add("admin-cert.profile", "the authority key identifier is missing (openssl -x509_strict refuses it)");
  } else if (ca?.extensions.subjectKeyId && extensions.authorityKeyId !== ca.extensions.subjectKeyId) {
    add("admin-cert.chain", "the authority key identifier is not the CA's key identifier");
  }
  const extra = extensions.oids.filter((oid) => !CLIENT_PROFILE_EXTENSIONS.has(oid));
  if (extra.length > 0)
    add("admin-cert.profile", `extensions outside the client profile: ${extra.join(", ")}`);

  if (csr !== null) {
    const { commonNames, organizations } = certificate.subject;
    if (commonNames.join() !== csr.commonNames.join())
      add("admin-cert.subject", `CN ${commonNames.join(",")} differs from the CSR's`);
    if ([...organizations].sort().join("\n") !== [...csr.organizations].sort().join("\n")) {
      add("admin-cert.subject", `groups (O) ${organizations.join(", ") || "none"} differ from the CSR's`);
    }
  }
  return problems;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
