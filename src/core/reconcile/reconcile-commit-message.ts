import type { CertificateToWrite } from "./plan-certificates.js";
import type { KeyFileWrite } from "./plan-key-files.js";

/**
 * The reconcile commit's message: one line per kind of change, then one trailer per certificate
 * (login, serial, CSR SHA-256, approvers) that tooling can read back.
 */
export function reconcileCommitMessage(
  certificates: readonly CertificateToWrite[],
  keyFiles: readonly KeyFileWrite[],
  recipientCount: number,
): string {
  const reencrypted = keyFiles.filter((k) => k.reason === "reencrypted");
  const generated = [...new Set(keyFiles.filter((k) => k.reason === "generated").map((k) => k.cluster))];
  const parts: string[] = [];
  if (certificates.length > 0)
    parts.push(`issue ${certificates.length} admin certificate${certificates.length === 1 ? "" : "s"}`);
  if (reencrypted.length > 0)
    parts.push(`re-encrypt ${reencrypted.length} key${reencrypted.length === 1 ? "" : "s"}`);
  if (generated.length > 0) parts.push(`generate the PKI of ${generated.join(", ")}`);
  const lines = [`kaws: ${parts.join(", ")}`, ""];
  for (const c of certificates)
    lines.push(`- ${c.login} on ${c.cluster}, approved in #${c.approval.pullNumber}`);
  if (reencrypted.length > 0) {
    const clusters = new Set(reencrypted.map((k) => k.cluster));
    lines.push(
      `- re-encrypted ${reencrypted.length} private key(s) of ${clusters.size} cluster(s) to ${recipientCount} recipients (pubkeys/ and the bot)`,
    );
  }
  for (const cluster of generated) lines.push(`- generated the CA, master and node PKI of ${cluster}`);
  if (certificates.length > 0) lines.push("");
  for (const c of certificates) {
    lines.push(
      `Kaws-Certificate: ${c.cluster}/${c.login} serial=${c.issued.serial} csr-sha256=${c.csrSha256} approvers=${c.approval.approvers.join(",")}`,
    );
  }
  return lines.join("\n").trimEnd();
}
