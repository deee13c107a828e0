import {
  auditCertificateHistory,
  type CertificateAudit,
  type HistoryCommit,
} from "../core/audit/audit-certificate-history.js";
import { renderAuditText } from "../core/audit/render-audit-text.js";
import { MAX_MANAGED_FILE_BYTES } from "../core/policy/repo-model.js";
import { classifyPath, clusterFile } from "../core/tree/classify-path.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { readCertificateHistory } from "./read-certificate-history.js";
import { readCommitMessages } from "./read-certificate-commits.js";
import { readSmallBlobs } from "./read-small-blobs.js";
import { resolveCommit } from "./resolve-commit.js";

export interface AuditOptions {
  readonly repo: string;
  readonly ref?: string;
  readonly json: boolean;
}

/**
 * `kaws audit`: every admin certificate the history of REF (default HEAD) ever held, each proved
 * to come from a reconcile commit with a matching trailer, or listed with the reason it is not.
 * A constant number of git processes, whatever the history's length. Exit 0 when all are
 * explained, 1 when one is not, 2 when the repository or REF cannot be read.
 */
export async function auditCommand(options: AuditOptions, out: Output): Promise<number> {
  const ref = options.ref ?? "HEAD";
  const commit = await resolveCommit(options.repo, ref);
  if (commit === null)
    throw new CliError(`cannot read ${ref} in ${options.repo}: not a git repository, or no such commit`);
  const audit = await readAudit(options.repo, commit);
  if (options.json)
    out.write(
      `${JSON.stringify({ version: 1, ref, commit, ok: audit.ok, certificates: audit.certificates }, null, 2)}\n`,
    );
  else out.write(renderAuditText({ ...audit, commit }, out.isTTY === true));
  return audit.ok ? 0 : 1;
}

async function readAudit(repo: string, commit: string): Promise<CertificateAudit> {
  const commits = await readCertificateHistory(repo, commit);
  const writers = commits.filter((c) => c.writes.length > 0).map((c) => c.sha);
  const [messages, blobs] = await Promise.all([
    readCommitMessages(repo, writers),
    readSmallBlobs(repo, blobNames(commits), MAX_MANAGED_FILE_BYTES),
  ]);
  // blob ids and `<commit>:<path>` names never collide: one map serves both
  return auditCertificateHistory({ commits, messages, blobs, csrs: blobs });
}

/** Each certificate written, the one it replaced, and the CSR beside it in its commit. */
function blobNames(commits: readonly HistoryCommit[]): string[] {
  const names: string[] = [];
  for (const commit of commits)
    for (const write of commit.writes) {
      names.push(write.blob);
      if (write.previousBlob !== null) names.push(write.previousBlob);
      const managed = classifyPath(write.path);
      if (managed?.kind === "admin-cert")
        names.push(`${commit.sha}:${clusterFile.csr(managed.cluster, managed.login)}`);
    }
  return names;
}
