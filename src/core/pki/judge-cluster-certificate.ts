import { x509 } from "./x509.js";
import { extensionsOf, isSignedBy } from "./read-certificate.js";
import { isoDay, type CertificateProblem } from "./judge-admin-certificate.js";
import { masterSans } from "../config/cluster-spec.js";
import type { ClusterSpec } from "../config/cluster-spec.js";

const SOON_MS = 30 * 24 * 60 * 60 * 1000;

function judgeDates(certificate: x509.X509Certificate, now: Date, rule: string): CertificateProblem[] {
  if (now > certificate.notAfter)
    return [{ rule, message: `the certificate expired on ${isoDay(certificate.notAfter)}` }];
  if (now < certificate.notBefore) return [{ rule, message: "the certificate is not valid yet" }];
  return [];
}

/** Warnings for a certificate that expires within 30 days: time to `/kaws rotate`. */
export function expiresSoon(certificate: x509.X509Certificate, now: Date): boolean {
  return now <= certificate.notAfter && certificate.notAfter.getTime() - now.getTime() < SOON_MS;
}

/** The cluster CA: self-signed, CA:true (critical), keyCertSign, a subject key identifier, in date. */
export async function judgeCaCertificate(ca: x509.X509Certificate, now: Date): Promise<CertificateProblem[]> {
  const problems = judgeDates(ca, now, "ca.expired");
  if (!(await isSignedBy(ca, ca)))
    problems.push({ rule: "ca.profile", message: "ca.pem is not self-signed" });
  const basic = extensionsOf(ca).get(x509.BasicConstraintsExtension);
  if (basic === null || !basic.ca || !basic.critical) {
    problems.push({ rule: "ca.profile", message: "ca.pem must have basicConstraints CA:true, critical" });
  }
  const usage = extensionsOf(ca).get(x509.KeyUsagesExtension);
  if (usage === null || !(usage.usages & x509.KeyUsageFlags.keyCertSign)) {
    problems.push({ rule: "ca.profile", message: "ca.pem must have keyUsage keyCertSign" });
  }
  if (extensionsOf(ca).get(x509.SubjectKeyIdentifierExtension) === null) {
    problems.push({ rule: "ca.profile", message: "ca.pem has no subject key identifier" });
  }
  return problems;
}

/** master.pem / node.pem: signed by the CA, CA:false, the right extended key usage, in date; master's SANs exactly as cluster.yml says. */
export async function judgeComponentCertificate(
  role: "master" | "node",
  certificate: x509.X509Certificate,
  ca: x509.X509Certificate | null,
  spec: ClusterSpec | null,
  now: Date,
): Promise<CertificateProblem[]> {
  const rule = `${role}-cert`;
  const problems = judgeDates(certificate, now, `${rule}.expired`);
  if (ca !== null && !(await isSignedBy(certificate, ca))) {
    problems.push({ rule: `${rule}.chain`, message: `${role}.pem is not signed by this cluster's ca.pem` });
  }
  const basic = extensionsOf(certificate).get(x509.BasicConstraintsExtension);
  if (basic?.ca === true) problems.push({ rule: `${rule}.profile`, message: `${role}.pem must not be a CA` });
  const wanted = role === "master" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  const eku = extensionsOf(certificate).get(x509.ExtendedKeyUsageExtension);
  if (eku === null || !eku.usages.includes(wanted)) {
    const name = role === "master" ? "serverAuth" : "clientAuth";
    problems.push({ rule: `${rule}.profile`, message: `${role}.pem must have extendedKeyUsage ${name}` });
  }
  if (role === "master" && spec !== null) {
    const expected = masterSans(spec);
    const actual = certificateSans(certificate);
    const want = [...expected.dns.map((d) => `DNS:${d}`), ...expected.ip.map((i) => `IP:${i}`)].sort();
    const have = [...actual].sort();
    if (want.join() !== have.join()) {
      problems.push({
        rule: "master-cert.sans",
        message: `master.pem SANs are [${have.join(", ")}], cluster.yml asks for [${want.join(", ")}]: rotate the cluster PKI`,
      });
    }
  }
  return problems;
}

export function certificateSans(certificate: x509.X509Certificate): string[] {
  const san = extensionsOf(certificate).get(x509.SubjectAlternativeNameExtension);
  if (san === null) return [];
  return san.names.items.map(
    (name) => `${name.type === "dns" ? "DNS" : name.type === "ip" ? "IP" : name.type}:${name.value}`,
  );
}
