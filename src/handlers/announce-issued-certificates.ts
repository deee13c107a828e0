import { readCertificate } from "../core/pki/read-certificate.js";
import { issuedCertificatesIn, type IssuedCertificateRecord } from "../core/reconcile/issued-certificates.js";
import { clusterFile } from "../core/tree/classify-path.js";
import { fetchIssueComments } from "../github/fetch-pull-request-discussion.js";
import type { RepoRef } from "../github/github-client.js";
import type { ReconcileDeps } from "./reconcile-deps.js";

/** How many of the bot's latest commits are looked at: a crash leaves at most one unannounced. */
const RECENT_COMMITS = 5;

/**
 * One reply on each merged pull request whose certificates the bot issued: serial, SHA-256
 * fingerprint and expiry, read from the branch. Derived from the bot's own recent commits (GitHub's
 * author filter) and its own replies, not from memory, so a crash after the ref moved still ends
 * with each reply posted exactly once, by whichever delivery or replica comes next.
 */
export async function announceIssuedCertificates(
  deps: ReconcileDeps,
  repo: RepoRef,
  head: string,
): Promise<number[]> {
  const { data: commits } = await deps.octokit.request("GET /repos/{owner}/{repo}/commits", {
    ...repo,
    sha: head,
    author: deps.botLogin,
    per_page: RECENT_COMMITS,
  });
  const byPull = new Map<number, { commit: string; certificates: IssuedCertificateRecord[] }>();
  for (const commit of commits)
    for (const certificate of issuedCertificatesIn(commit.commit.message)) {
      const entry = byPull.get(certificate.pullNumber) ?? { commit: commit.sha, certificates: [] };
      entry.certificates.push(certificate);
      byPull.set(certificate.pullNumber, entry);
    }
  const announced: number[] = [];
  for (const [pull, { commit, certificates }] of byPull) {
    const marker = announcementMarker(certificates);
    const comments = await fetchIssueComments(deps.octokit, repo, pull, deps.botLogin);
    if (comments.some((c) => c.byThisApp && c.body.startsWith(marker))) continue;
    const lines = await Promise.all(certificates.map((c) => describeIssued(deps, repo, commit, c)));
    const body = `${marker}\nIssued on the default branch:\n${lines.join("\n")}\n\nNext: \`npx kaws admin install --cluster <cluster> --login <login>\` writes your kubeconfig.`;
    await deps.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...repo,
      issue_number: pull,
      body,
    });
    // A replica reconciling at the same moment may have replied too: the oldest reply stays, the
    // others of this app go (the later poster always sees the earlier reply, so one remains).
    const after = await fetchIssueComments(deps.octokit, repo, pull, deps.botLogin);
    const replies = after.filter((c) => c.byThisApp && c.body.startsWith(marker)).sort((a, b) => a.id - b.id);
    for (const duplicate of replies.slice(1)) await deleteComment(deps, repo, duplicate.id);
    announced.push(pull);
  }
  return announced;
}

function announcementMarker(certificates: readonly IssuedCertificateRecord[]): string {
  return `<!-- kaws-bot:issued:${certificates.map((c) => c.serial).join(",")} -->`;
}

/** One line for one certificate, from the file the commit wrote. */
async function describeIssued(
  deps: ReconcileDeps,
  repo: RepoRef,
  commit: string,
  issued: IssuedCertificateRecord,
): Promise<string> {
  const path = clusterFile.adminCert(issued.cluster, issued.login);
  const read = readCertificate(await fileAt(deps, repo, commit, path));
  if (!read.ok)
    return `- \`${path}\` for @${issued.login} on **${issued.cluster}**: serial \`${issued.serial}\`.`;
  const certificate = read.certificate;
  const line = `- \`${path}\` for @${issued.login} on **${issued.cluster}**: serial \`${issued.serial}\`, SHA-256 fingerprint \`${certificate.fingerprintSha256}\`, valid until ${certificate.notAfter.toISOString().slice(0, 10)}`;
  const caEnd = await caNotAfter(deps, repo, commit, issued.cluster);
  return caEnd !== null && certificate.notAfter.getTime() >= caEnd.getTime()
    ? `${line} — the end of the cluster's CA, sooner than \`admin_cert_days\`: rotate it with \`/kaws rotate ${issued.cluster}\`, then renew.`
    : `${line}.`;
}

/** When the cluster's CA on the branch ends, or null when it cannot be read. */
async function caNotAfter(
  deps: ReconcileDeps,
  repo: RepoRef,
  commit: string,
  cluster: string,
): Promise<Date | null> {
  const read = readCertificate(await fileAt(deps, repo, commit, clusterFile.cert(cluster, "ca")));
  return read.ok ? read.certificate.notAfter : null;
}

/** A file's bytes at a commit (empty when it is not a file there). */
async function fileAt(deps: ReconcileDeps, repo: RepoRef, commit: string, path: string): Promise<Uint8Array> {
  const { data } = await deps.octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
    ...repo,
    path,
    ref: commit,
  });
  return !Array.isArray(data) && data.type === "file" && "content" in data
    ? new Uint8Array(Buffer.from(data.content, "base64"))
    : new Uint8Array();
}

async function deleteComment(deps: ReconcileDeps, repo: RepoRef, id: number): Promise<void> {
  try {
    await deps.octokit.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      ...repo,
      comment_id: id,
    });
  } catch (cause) {
    if ((cause as { status?: number }).status !== 404) throw cause; // another replica removed it first
  }
}
