import { printableText } from "../report/printable-text.js";
import type { AuditedCertificate, CertificateAudit } from "./audit-certificate-history.js";

const EXPLAINED_BY = {
  trailer: "a reconcile commit's trailer",
  rotation: "a rotation that re-signed it",
  restored: "restored, as written before",
} as const;

/**
 * `kaws audit` for people: one line per certificate written, explained ones by what explains
 * them, unexplained ones with the commit, its author as git records it, and why. Text from the
 * repository (authors, subjects) has its control characters replaced.
 */
export function renderAuditText(audit: CertificateAudit & { commit: string }, colour: boolean): string {
  const paint = (code: string, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const unexplained = audit.certificates.filter((c) => c.explainedBy === null);
  const lines = [
    `audit of ${audit.commit}: ${audit.certificates.length} admin certificate(s) written in its history`,
  ];
  for (const certificate of audit.certificates) {
    const where = `${certificate.path} in ${certificate.commit.slice(0, 12)}`;
    if (certificate.explainedBy !== null) {
      lines.push(`  ${paint("32", "explained")}    ${where}: ${describeExplained(certificate)}`);
      continue;
    }
    lines.push(
      `  ${paint("31", "UNEXPLAINED")}  ${where}: ${printableText(certificate.reason ?? "")}`,
      `               serial ${certificate.serial ?? "(unreadable)"}; commit ${certificate.commit} by ${printableText(certificate.author)}: "${printableText(certificate.subject)}"`,
    );
  }
  lines.push(
    unexplained.length === 0
      ? "ok: true — every admin certificate came from a reconcile commit with a matching trailer"
      : `ok: false — ${unexplained.length} certificate(s) came another way: explain them (a break-glass signing, a direct push) or rotate`,
  );
  return `${lines.join("\n")}\n`;
}

function describeExplained(certificate: AuditedCertificate): string {
  const how = EXPLAINED_BY[certificate.explainedBy!];
  if (certificate.explainedBy === "trailer")
    return `${how}, serial ${certificate.serial}, approved by ${certificate.approvers.join(", ")}`;
  return `${how} in ${certificate.basis!.slice(0, 12)}`;
}
