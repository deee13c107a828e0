import { expiryReminders } from "../core/lifecycle/expiry-reminders.js";
import { certificateTrailers } from "../core/reconcile/issued-certificates.js";
import { buildAccessPicture } from "../core/report/access-picture.js";
import type { CertificateCommit } from "../core/report/certificate-approval.js";
import { renderAccessIssue } from "../core/report/render-access-issue.js";
import { KawsInputError } from "../core/findings.js";
import { classifyPath, clusterFile } from "../core/tree/classify-path.js";
import type { RepoTree } from "../core/tree/repo-tree.js";
import { fetchTreeListing } from "../github/fetch-tree-listing.js";
import type { RepoRef } from "../github/github-client.js";
import { listCommitsTouching } from "../github/list-commits-touching.js";
import { loadBlobs } from "../github/load-blobs.js";
import { prefetchTextBlobs } from "../github/prefetch-text-blobs.js";
import { syncBotIssues } from "../github/sync-bot-issues.js";
import type { ReconcileDeps } from "./reconcile-deps.js";

/** What the access picture and the reminders read: keys, config, certificates and requests. */
const READ = new Set(["pubkey", "config", "admin-cert", "cluster-cert", "admin-csr"]);

/**
 * The issues of DESIGN 4.3 and the access picture, kept from the default branch at `head` with
 * every reconcile (a push, the sweep): one reminder per admin whose certificate ends within
 * `renewBeforeDays` (assigned to them, with the command), one per cluster whose PKI ends within 60
 * days, each closed once renewed; and one pinned issue, "who can reach which cluster", rewritten
 * when the tree changes. An issue rather than the default branch's check run: it has one address
 * that does not move with each commit, people can subscribe to it, and GitHub keeps its edits.
 */
export async function keepLifecycleIssues(
  deps: ReconcileDeps,
  repo: RepoRef,
  head: string,
  renewBeforeDays: number,
): Promise<void> {
  const listing = await fetchTreeListing(deps.octokit, repo, head);
  const paths = [...listing.keys()].filter((path) => READ.has(classifyPath(path)?.kind ?? ""));
  await prefetchTextBlobs(deps.octokit, repo, listing, paths, deps.cache);
  const tree = await loadBlobs(deps.octokit, repo, listing, paths, deps.cache);
  const sync = { botLogin: deps.botLogin, lockOn: head, locks: deps.locks };
  const reminders = await syncBotIssues(deps.octokit, repo, {
    ...sync,
    families: ["renew:", "rotate:"],
    wanted: expiryReminders(tree, deps.now(), renewBeforeDays),
  });
  const picture = await accessIssue(deps, repo, head, tree);
  const access = await syncBotIssues(deps.octokit, repo, {
    ...sync,
    families: ["access"],
    wanted: picture === null ? [] : [picture],
  });
  // pinned when written: a pin lost to a crash or refused is tried again at its next change
  const pin = access.nodeIds.get("access");
  if (pin !== undefined) await pinIssue(deps, pin);
  const changed = [reminders, access].flatMap((r) => [...r.created, ...r.updated, ...r.closed]);
  if (changed.length > 0) deps.log.info({ changed }, "lifecycle issues");
}

/** The pinned access picture; null (and the issue closed) when a file it reads does not parse. */
async function accessIssue(deps: ReconcileDeps, repo: RepoRef, head: string, tree: RepoTree) {
  try {
    const picture = await buildAccessPicture({
      tree,
      now: deps.now(),
      commit: head,
      addedBy: await issuedByThisApp(deps, repo, head),
    });
    return { topic: "access", title: "kaws: who can reach which cluster", body: renderAccessIssue(picture) };
  } catch (cause) {
    if (!(cause instanceof KawsInputError)) throw cause;
    deps.log.warn({ path: cause.path, reason: cause.message }, "access picture not drawn");
    return null;
  }
}

/**
 * For each admin certificate, the newest commit of THIS app that issued one there: its trailer
 * says who approved it (matched to the certificate's serial). Anyone else's commits are not read.
 */
async function issuedByThisApp(
  deps: ReconcileDeps,
  repo: RepoRef,
  head: string,
): Promise<Map<string, CertificateCommit>> {
  const commits = await listCommitsTouching(deps.octokit, repo, head, "clusters", 100, deps.botLogin);
  const added = new Map<string, CertificateCommit>();
  for (const commit of commits)
    for (const trailer of certificateTrailers(commit.message)) {
      const path = clusterFile.adminCert(trailer.cluster, trailer.login);
      if (!added.has(path))
        added.set(path, { commit: commit.sha, author: deps.botLogin, message: commit.message });
    }
  return added;
}

/** Pin the access issue where the repository's issues are listed (GitHub allows three). */
async function pinIssue(deps: ReconcileDeps, issueId: string): Promise<void> {
  try {
    await deps.octokit.graphql(
      "mutation kawsPin($id: ID!) { pinIssue(input: { issueId: $id }) { issue { number } } }",
      { id: issueId },
    );
  } catch (cause) {
    deps.log.warn({ err: cause }, "could not pin the access picture issue (three are pinned already?)");
  }
}
