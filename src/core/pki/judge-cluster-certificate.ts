import { masterSans, type ClusterSpec } from "../config/cluster-spec.js";
import type { ErrorRuleId } from "../rules-registry.js";
import { KEY_USAGE, OID } from "./certificate-extensions.js";
import { isoDay, type CertificateProblem } from "./judge-admin-certificate.js";
import { isSignedBy, type Certificate } from "./read-certificate.js";

const SOON_MS = 30 * 24 * 60 * 60 * 1000;

function judgeDates(certificate: Certificate, now: Date, rule: ErrorRuleId): CertificateProblem[] {
  if (now > certificate.notAfter)
    return [{ rule, message: `the certificate expired on ${isoDay(certificate.notAfter)}` }];
  if (now < certificate.notBefore) return [{ rule, message: "the certificate is not valid yet" }];
  return [];
}

/** Warnings for a certificate that expires within 30 days: time to `/kaws rotate`. */
export function expiresSoon(certificate: Certificate, now: Date): boolean {
  return now <= certificate.notAfter && certificate.notAfter.getTime() - now.getTime() < SOON_MS;
}

/** The cluster CA: self-signed, CA:true (critical), keyCertSign, a subject key identifier, in date. */
export function judgeCaCertificate(ca: Certificate, now: Date): CertificateProblem[] {
  const problems = judgeDates(ca, now, "ca.expired");
  const add = (message: string) => problems.push({ rule: "ca.profile", message });
  if (!isSignedBy(ca, ca)) add("ca.pem is not self-signed");
  const basic = ca.extensions.basicConstraints;
  if (basic === null || !basic.ca || !basic.critical)
    add("ca.pem must have basicConstraints CA:true, critical");
  if (!((ca.extensions.keyUsage?.flags ?? 0) & KEY_USAGE.keyCertSign))
    add("ca.pem must have keyUsage keyCertSign");
  if (ca.extensions.subjectKeyId === null) add("ca.pem has no subject key identifier");
  return problems;
}

/** master.pem / node.pem: signed by the CA, CA:false, the right extended key usage, in date; master's SANs exactly as cluster.yml says. */
export function judgeComponentCertificate(
  role: "master" | "node",
  certificate: Certificate,
  ca: Certificate | null,
  spec: ClusterSpec | null,
  now: Date,
): CertificateProblem[] {
  const rule = `${role}-cert` as const;
  const problems = judgeDates(certificate, now, `${rule}.expired`);
  if (ca !== null && !isSignedBy(certificate, ca)) {
    problems.push({ rule: `${rule}.chain`, message: `${role}.pem is not signed by this cluster's ca.pem` });
  }
  if (certificate.extensions.basicConstraints?.ca === true)
    problems.push({ rule: `${rule}.profile`, message: `${role}.pem must not be a CA` });
  const wanted = role === "master" ? OID.serverAuth : OID.clientAuth;
  if (!(certificate.extensions.extKeyUsage ?? []).includes(wanted)) {
    const name = role === "master" ? "serverAuth" : "clientAuth";
    problems.push({ rule: `${rule}.profile`, message: `${role}.pem must have extendedKeyUsage ${name}` });
  }
  if (role === "master" && spec !== null) {
    const expected = masterSans(spec);
    const want = [...expected.dns.map((d) => `DNS:${d}`), ...expected.ip.map((i) => `IP:${i}`)].sort();
    const have = certificateSans(certificate).sort();
    if (want.join() !== have.join()) {
      problems.push({
        rule: "master-cert.sans",
        message: `master.pem SANs are [${have.join(", ")}], cluster.yml asks for [${want.join(", ")}]: rotate the cluster PKI`,
      });
    }
  }
  return problems;
}

export function certificateSans(certificate: Certificate): string[] {
  const san = certificate.extensions.subjectAltName;
  return san === null ? [] : [...san.dns.map((d) => `DNS:${d}`), ...san.ip.map((i) => `IP:${i}`)];
}
