import { decryptMessage } from "../core/openpgp/decrypt-message.js";
import { readCsr } from "../core/pki/read-csr.js";
import { recipientSet } from "../core/policy/recipient-set.js";
import { verifyTree } from "../core/policy/verify-tree.js";
import { csrDigest, findUnsignedCsrs } from "../core/reconcile/find-unsigned-csrs.js";
import {
  planCertificates,
  type CertificateToWrite,
  type CsrApproval,
  type RefusedCsr,
} from "../core/reconcile/plan-certificates.js";
import { planKeyFiles, type FormerRecipient, type KeyFileWrite } from "../core/reconcile/plan-key-files.js";
import {
  BOT_KEY_PATH,
  CONFIG_PATH,
  classifyPath,
  clusterFile,
  pubkeyPath,
} from "../core/tree/classify-path.js";
import type { RepoTree } from "../core/tree/repo-tree.js";
import { fetchTreeListing } from "../github/fetch-tree-listing.js";
import type { RepoRef } from "../github/github-client.js";
import { loadBlobs } from "../github/load-blobs.js";
import type { ReconcileDeps } from "./reconcile-deps.js";
import { proveCsrApproval } from "./prove-csr-approval.js";
import type { MergedApprovers } from "./recount-merged-pull-request.js";

export interface ReconcilePlan {
  readonly certificates: CertificateToWrite[];
  readonly keyFiles: KeyFileWrite[];
  readonly pkiCertificates: { path: string; content: string; cluster: string }[];
  readonly refused: RefusedCsr[];
  readonly former: FormerRecipient[];
  readonly problems: { path: string; reason: string }[];
  readonly tree: RepoTree;
  readonly recipientCount: number;
  /** The provisioning workflow of the branch's config. */
  readonly workflow: string;
  /** How long before an admin certificate ends its owner is reminded (the branch's config). */
  readonly renewBeforeDays: number;
}

/**
 * What the default branch owes, computed from its state at `head`: certificates for approved CSRs,
 * key files re-encrypted to exactly `pubkeys/` + the bot, and the PKI of clusters that have none.
 * It reads every admin key and every key file (the blob cache makes unchanged ones free).
 */
export async function planReconcile(
  deps: ReconcileDeps,
  target: { repo: RepoRef; defaultBranch: string },
  head: string,
): Promise<ReconcilePlan> {
  const { octokit } = deps;
  const listing = await fetchTreeListing(octokit, target.repo, head);
  const csrs = findUnsignedCsrs(listing);
  const wanted = [CONFIG_PATH, BOT_KEY_PATH];
  for (const path of listing.keys()) {
    const kind = classifyPath(path)?.kind;
    if (kind === "pubkey" || kind === "cluster-key" || kind === "cluster-spec") wanted.push(path);
  }
  for (const csr of csrs)
    wanted.push(csr.path, `${csr.path}.asc`, pubkeyPath(csr.login), clusterFile.cert(csr.cluster, "ca"));
  const tree = await loadBlobs(octokit, target.repo, listing, wanted, deps.cache);
  const now = deps.now();
  const verification = await verifyTree(tree, { now, keyCache: deps.keyCache });

  const approvals = new Map<string, CsrApproval>();
  const refused: RefusedCsr[] = [];
  const recounts = new Map<number, Promise<MergedApprovers>>();
  for (const csr of csrs) {
    const bytes = tree.get(csr.path)?.bytes ?? new Uint8Array();
    const facts = readCsr(bytes);
    const groups = facts.ok ? facts.facts.organizations : [];
    const proof = await proveCsrApproval(
      octokit,
      target.repo,
      {
        csr,
        csrSha256: csrDigest(bytes),
        groups,
        branchHead: head,
        defaultBranch: target.defaultBranch,
        config: verification.config,
        botLogin: deps.botLogin,
        appId: deps.appId,
      },
      recounts,
    );
    if (proof.approved) approvals.set(csr.path, proof.approval);
    else refused.push({ csr, reason: proof.reason });
  }
  const approved = csrs.filter((csr) => approvals.has(csr.path));
  const owesKeys = verification.recipientMismatches.length > 0 || verification.clustersMissingPki.length > 0;
  const recipients = [
    ...verification.admins.values(),
    ...(verification.bot ? [verification.bot] : []),
  ].filter((k) => k.sound);
  const empty = {
    certificates: [],
    keyFiles: [],
    pkiCertificates: [],
    former: [],
    tree,
    recipientCount: recipients.length,
    workflow: verification.config.provision.workflow,
    renewBeforeDays: verification.config.renew_before_days,
  };
  const botKey = approved.length > 0 || owesKeys ? await deps.botKey() : null;
  if (botKey === null) {
    const noKey = "the bot has no key (KAWS_BOT_KEY is not set), so it cannot open the cluster keys";
    return {
      ...empty,
      refused: [...refused, ...approved.map((csr) => ({ csr, reason: noKey }))],
      problems: owesKeys ? [{ path: BOT_KEY_PATH, reason: noKey }] : [],
    };
  }
  if (verification.bot === null || !verification.bot.sound) {
    return {
      ...empty,
      refused,
      problems: [
        {
          path: BOT_KEY_PATH,
          reason: "the bot's public key is missing or unusable: every key must stay readable by the bot",
        },
      ],
    };
  }
  const keyPlan = await planKeyFiles({
    tree,
    recipients: recipientSet(recipients),
    open: (message) => decryptMessage(message, botKey),
    now,
  });
  const signing = await planCertificates({
    tree,
    csrs: approved,
    approvals,
    findings: verification.findings,
    config: verification.config,
    botKey,
    now,
  });
  return {
    certificates: signing.certificates,
    keyFiles: keyPlan.writes,
    pkiCertificates: keyPlan.certificates,
    refused: [...refused, ...signing.refused],
    former: keyPlan.former,
    problems: keyPlan.problems,
    tree,
    recipientCount: recipients.length,
    workflow: verification.config.provision.workflow,
    renewBeforeDays: verification.config.renew_before_days,
  };
}
