import { fetchBranchHead } from "../github/fetch-branch-head.js";
import type { RefusedCsr } from "../core/reconcile/plan-certificates.js";
import type { FormerRecipient } from "../core/reconcile/plan-key-files.js";
import { reconcileCommitMessage } from "../core/reconcile/reconcile-commit-message.js";
import { clustersToProvision } from "../core/reconcile/clusters-to-provision.js";
import { commitFiles } from "../github/commit-files.js";
import { proposeOnBranch, withdrawProposal } from "../github/propose-on-branch.js";
import { dispatchProvisioning } from "../github/dispatch-provisioning.js";
import { findUnprovisionedClusters } from "../github/find-unprovisioned-clusters.js";
import { classifyPath } from "../core/tree/classify-path.js";
import { fetchTreeListing } from "../github/fetch-tree-listing.js";
import type { RepoRef } from "../github/github-client.js";
import { upsertBotIssue } from "../github/upsert-bot-issue.js";
import type { ReconcileDeps } from "./reconcile-deps.js";
import { planReconcile, type ReconcilePlan } from "./plan-reconcile.js";
import { announceIssuedCertificates } from "./announce-issued-certificates.js";
import { describeFormerAdmins } from "./describe-former-admins.js";
import { keepLifecycleIssues } from "./keep-lifecycle-issues.js";

/** The branch of the one pull request that proposes a reconcile commit the default branch refused. */
const RECONCILE_BRANCH = "kaws/reconcile";

/** Attempts when the branch moves under the bot (each starts again from the new head). */
const ATTEMPTS = 3;

/**
 * Make the default branch consistent, from its state (not from the event), in ONE commit: issue
 * certificates for approved CSRs, re-encrypt key files to exactly `pubkeys/` + the bot, generate
 * missing cluster PKI. Force=false; started again when the branch moved; proposed as a pull request
 * when refused. What will not be done is said in issues. Its own commit finds nothing left to do.
 * `before` (the previous head, when known) names removed admins in the rotation issue.
 */
export async function reconcileDefaultBranch(
  deps: ReconcileDeps,
  target: { repo: RepoRef; defaultBranch: string; before?: string },
): Promise<"committed" | "proposed" | "nothing"> {
  const { octokit, log } = deps;
  // The branch as it is now, not as the event saw it: a redelivered old push finds the work done.
  const branchHead = () => fetchBranchHead(octokit, target.repo, target.defaultBranch);
  let head = await branchHead();
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const plan = await planReconcile(deps, target, head);
    const files = [...plan.certificates, ...plan.keyFiles, ...plan.pkiCertificates].map((f) => ({
      path: f.path,
      content: f.content,
    }));
    let result: "committed" | "proposed" | "nothing" = "nothing";
    let finalHead = head;
    if (files.length > 0) {
      const message = reconcileCommitMessage(plan.certificates, plan.keyFiles, plan.recipientCount);
      const outcome = await commitFiles(octokit, target.repo, target.defaultBranch, head, files, message);
      if (outcome.kind === "moved") {
        head = await branchHead();
        log.info({ attempt, head }, "default branch moved: reconciling again from its new head");
        continue;
      }
      if (outcome.kind === "refused") {
        const title = message.split("\n")[0]!;
        const pull = await proposeOnBranch(octokit, target.repo, {
          base: target.defaultBranch,
          branch: RECONCILE_BRANCH,
          sha: outcome.sha,
          title,
          body: `The bot could not push this commit to \`${target.defaultBranch}\`: ${outcome.message}\n\nAdd the app to the branch protection bypass list, or merge this pull request. The bot updates it while the branch needs it, and closes it once the branch no longer does.`,
          botLogin: deps.botLogin,
          sameWork: { parent: head, message },
        });
        log.warn(
          { pull: pull.number, created: pull.created, reason: outcome.message },
          "default branch refused the reconcile commit: proposed it in a pull request",
        );
        result = "proposed";
      } else {
        log.info(
          {
            commit: outcome.sha,
            certificates: plan.certificates.map((c) => ({
              cluster: c.cluster,
              login: c.login,
              serial: c.issued.serial,
            })),
            keyFiles: plan.keyFiles.map((k) => ({ path: k.path, reason: k.reason })),
          },
          "reconciled the default branch",
        );
        result = "committed";
        finalHead = outcome.sha;
      }
    }
    if (result !== "proposed")
      await withdrawProposal(octokit, target.repo, {
        base: target.defaultBranch,
        branch: RECONCILE_BRANCH,
        botLogin: deps.botLogin,
        reason:
          result === "committed"
            ? "The bot's own commit landed on the branch: this pull request is no longer needed."
            : "The default branch needs nothing the bot would commit any more: this pull request is no longer needed.",
      });
    // from the branch and the bot's own replies: a reply a crash left unwritten is written now
    await announceIssuedCertificates(deps, target.repo, finalHead);
    await reportRefused(deps, target.repo, plan.refused, plan.problems);
    if (plan.former.length > 0) await reportFormerAdmins(deps, target, plan, plan.former);
    await provisionChangedClusters(deps, target, target.before ?? head, finalHead, plan.workflow);
    // no push to go by (the sweep, a command): a recent change no dispatch answered is made up for
    if (target.before === undefined) await provisionMissedChanges(deps, target, plan, finalHead);
    // last, and never in the way: reminders and the access picture (a repository may have issues
    // turned off, or GitHub may fail here) must not stop a commit's provisioning
    await keepLifecycleIssues(deps, target.repo, finalHead, plan.renewBeforeDays).catch((cause: unknown) =>
      log.warn(
        { err: cause },
        "expiry reminders and the access picture not updated: tried again with the next reconcile",
      ),
    );
    return result;
  }
  throw new Error(
    `the default branch kept moving: gave up after ${ATTEMPTS} attempts; the next push or /kaws reencrypt finishes the job`,
  );
}

/** One issue naming every CSR or key file the bot will not handle, and why; closed when none is left. */
async function reportRefused(
  deps: ReconcileDeps,
  repo: RepoRef,
  refused: readonly RefusedCsr[],
  problems: readonly { path: string; reason: string }[],
): Promise<void> {
  const content =
    refused.length + problems.length === 0
      ? null
      : {
          title: `kaws: ${refused.length + problems.length} file(s) on the default branch the bot will not handle`,
          body: [
            "A certificate is issued only for a CSR whose exact bytes a maintainer approved in a merged pull request, and the bot must be able to open every key file.",
            "",
            ...refused.map((r) => `- \`${r.csr.path}\`: ${r.reason}.`),
            ...problems.map((p) => `- \`${p.path}\`: ${p.reason}.`),
            "",
            "To fix: remove or re-request the CSR in a pull request; restore a key file from history or rotate the cluster.",
          ].join("\n"),
        };
  const result = await upsertBotIssue(deps.octokit, repo, "unhandled-files", content, deps.botLogin);
  if (result !== "none" && result !== "unchanged")
    deps.log.warn(
      { refused: refused.map((r) => r.csr.path), problems: problems.map((p) => p.path), issue: result },
      "files the bot will not handle",
    );
}

/** Re-encryption is not revocation: one issue per removed admin, naming what they could read. */
async function reportFormerAdmins(
  deps: ReconcileDeps,
  target: { repo: RepoRef; before?: string },
  plan: ReconcilePlan,
  former: readonly FormerRecipient[],
): Promise<void> {
  for (const admin of await describeFormerAdmins(
    deps,
    target.repo,
    target.before,
    plan.tree,
    former,
    deps.now(),
  )) {
    const content = { title: admin.title, body: admin.body };
    const result = await upsertBotIssue(
      deps.octokit,
      target.repo,
      `removed-admin:${admin.topic}`,
      content,
      deps.botLogin,
    );
    deps.log.warn({ removed: admin.topic, issue: result }, "an admin was removed: rotation advised");
  }
}

/**
 * Dispatch provisioning, once per cluster and commit, for each cluster whose cluster.yml or server
 * PKI changed between the previous head (or, for `/kaws reencrypt`, the head before its own commit)
 * and the branch as the bot leaves it.
 */
async function provisionChangedClusters(
  deps: ReconcileDeps,
  target: { repo: RepoRef; defaultBranch: string },
  from: string,
  to: string,
  workflow: string,
): Promise<void> {
  if (from === to) return;
  const [before, after] = await Promise.all([
    fetchTreeListing(deps.octokit, target.repo, from),
    fetchTreeListing(deps.octokit, target.repo, to),
  ]);
  for (const cluster of clustersToProvision(before, after))
    await provision(deps, target, cluster, to, workflow, "provisioning");
}

/**
 * A change of a cluster's provisioning inputs in the last week whose push no process saw (so no
 * dispatch answered it) is provisioned now, at the head, once: the dispatch's status on the head
 * answers it at the next sweep.
 */
async function provisionMissedChanges(
  deps: ReconcileDeps,
  target: { repo: RepoRef; defaultBranch: string },
  plan: ReconcilePlan,
  head: string,
): Promise<void> {
  const clusters = [...plan.tree.keys()].flatMap((path) => {
    const managed = classifyPath(path);
    return managed?.kind === "cluster-spec" ? [managed.cluster] : [];
  });
  const missed = await findUnprovisionedClusters(deps.octokit, target.repo, {
    head,
    clusters,
    botLogin: deps.botLogin,
    now: deps.now(),
  });
  for (const cluster of missed)
    await provision(deps, target, cluster, head, plan.workflow, "provisioning a change no dispatch answered");
}

async function provision(
  deps: ReconcileDeps,
  target: { repo: RepoRef; defaultBranch: string },
  cluster: string,
  sha: string,
  workflow: string,
  why: string,
): Promise<void> {
  const result = await dispatchProvisioning(
    deps.octokit,
    target.repo,
    { workflow, defaultBranch: target.defaultBranch, cluster, sha, botLogin: deps.botLogin, now: deps.now() },
    deps.locks,
  );
  deps.log.info(
    { cluster, sha, result: result.kind, reason: result.kind === "failed" ? result.reason : undefined },
    why,
  );
}
