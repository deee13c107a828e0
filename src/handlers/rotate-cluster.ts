import type * as openpgp from "openpgp";
import { fetchBranchHead } from "../github/fetch-branch-head.js";
import { verifyTree } from "../core/policy/verify-tree.js";
import { planRotation } from "../core/reconcile/plan-rotation.js";
import { BOT_KEY_PATH, CONFIG_PATH, classifyPath } from "../core/tree/classify-path.js";
import { createCommit } from "../github/commit-files.js";
import { currentProposal, proposeOnBranch } from "../github/propose-on-branch.js";
import { fetchTreeListing } from "../github/fetch-tree-listing.js";
import type { RepoRef } from "../github/github-client.js";
import { loadBlobs } from "../github/load-blobs.js";
import type { EvaluationDeps } from "./evaluate-pull-request.js";

/**
 * `/kaws rotate <cluster>`: a pull request with a new CA, master and node keys and the admins'
 * certificates re-issued. It is a privileged change: it merges only with maintainer approval.
 */
export async function rotateCluster(
  deps: EvaluationDeps,
  target: { repo: RepoRef; defaultBranch: string },
  cluster: string,
): Promise<string> {
  const { octokit } = deps;
  const head = await fetchBranchHead(octokit, target.repo, target.defaultBranch);
  const listing = await fetchTreeListing(octokit, target.repo, head);
  if (!listing.has(`clusters/${cluster}/cluster.yml`))
    return `there is no cluster \`${cluster}\` on the default branch.`;
  const wanted = [CONFIG_PATH, BOT_KEY_PATH];
  for (const path of listing.keys()) {
    const managed = classifyPath(path);
    if (managed?.kind === "pubkey") wanted.push(path);
    if (
      path.startsWith(`clusters/${cluster}/`) &&
      (managed?.kind === "cluster-spec" || managed?.kind === "admin-csr" || managed?.kind === "admin-cert")
    )
      wanted.push(path);
  }
  // one rotation pull request per cluster: made again only when the branch moved since
  const branch = `kaws/rotate-${cluster}`;
  const open = await currentProposal(octokit, target.repo, {
    base: target.defaultBranch,
    branch,
    botLogin: deps.botLogin,
  });
  if (open !== null && open.parent === head)
    return `#${open.number} already rotates **${cluster}** from the default branch's head: review it and approve it like any privileged change.`;
  const tree = await loadBlobs(octokit, target.repo, listing, wanted, deps.cache);
  const now = deps.now();
  const verification = await verifyTree(tree, { now, keyCache: deps.keyCache });
  if (verification.bot === null || !verification.bot.sound)
    return "the bot's public key is missing or unusable, so the new keys could not stay readable by the bot.";
  const recipients = [...verification.admins.values(), verification.bot]
    .filter((k) => k.sound)
    .map((k) => k.key as openpgp.PublicKey);
  const plan = await planRotation({
    tree,
    cluster,
    recipients,
    adminCertDays: verification.config.admin_cert_days,
    now,
  });
  const body = [
    `A new CA, API server (master) and node key for **${cluster}**, encrypted to the ${recipients.length} current recipients.`,
    plan.reissued.length > 0
      ? `Admin certificates re-issued from their CSRs: ${plan.reissued.map((l) => `@${l}`).join(", ")}.`
      : "No admin certificate to re-issue.",
    ...plan.skipped.map((s) => `Not re-issued: \`${s.path}\` — ${s.reason}.`),
    "",
    "This is a privileged change: it needs maintainer approval. Once merged, every node and API server of the cluster must get the new PKI (provisioning), and each admin runs `kaws admin install` again.",
  ].join("\n");
  const title = `kaws: rotate the PKI of ${cluster}`;
  const sha = await createCommit(octokit, target.repo, head, plan.files, title);
  const pull = await proposeOnBranch(octokit, target.repo, {
    base: target.defaultBranch,
    branch,
    sha,
    title,
    body,
    botLogin: deps.botLogin,
  });
  deps.log.info(
    { cluster, pull: pull.number, created: pull.created, reissued: plan.reissued },
    "proposed a rotation pull request",
  );
  return pull.created
    ? `opened #${pull.number} to rotate **${cluster}**: review it and approve it like any privileged change.`
    : `updated #${pull.number} to rotate **${cluster}** from the default branch's new head (new keys: approve the new commit).`;
}
