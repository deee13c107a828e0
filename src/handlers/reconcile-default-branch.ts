import type * as openpgp from "openpgp";
import { verifyTree } from "../core/policy/verify-tree.js";
import { findUnsignedCsrs } from "../core/reconcile/find-unsigned-csrs.js";
import {
  planCertificates,
  reconcileCommitMessage,
  type CertificateToWrite,
  type CsrApproval,
  type RefusedCsr,
} from "../core/reconcile/plan-certificates.js";
import { readCsr } from "../core/pki/read-csr.js";
import { BOT_KEY_PATH, CONFIG_PATH, clusterFile, pubkeyPath } from "../core/tree/classify-path.js";
import { commitFiles, proposeRefusedCommit } from "../github/commit-files.js";
import { fetchTreeListing } from "../github/fetch-tree-listing.js";
import type { RepoRef } from "../github/github-client.js";
import { loadBlobs } from "../github/load-blobs.js";
import { upsertBotIssue } from "../github/upsert-bot-issue.js";
import type { EvaluationDeps } from "./evaluate-pull-request.js";
import { proveCsrApproval } from "./prove-csr-approval.js";

export interface ReconcileDeps extends EvaluationDeps {
  /** The bot's decryption key (KAWS_BOT_KEY), or null when it is not configured. */
  readonly botKey: () => Promise<openpgp.PrivateKey | null>;
}

/** Attempts when the branch moves under the bot (each starts again from the new head). */
const ATTEMPTS = 3;

/**
 * Make the default branch consistent, from its state (not from the event): issue a certificate
 * for each CSR whose exact blob was approved in a merged pull request, all in ONE commit (force
 * false; started again when the branch moved). CSRs that will not be signed are listed in one issue.
 * Its own commit finds nothing left to do.
 */
export async function reconcileDefaultBranch(
  deps: ReconcileDeps,
  target: { repo: RepoRef; defaultBranch: string },
): Promise<void> {
  const { octokit, log } = deps;
  // The branch as it is now, not as the event saw it: a redelivered old push finds the work done.
  const branchHead = async () => {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      ...target.repo,
      ref: `heads/${target.defaultBranch}`,
    });
    return data.object.sha;
  };
  let head = await branchHead();
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const plan = await planReconcile(deps, target, head);
    if (plan.certificates.length > 0) {
      const files = plan.certificates.map((c) => ({ path: c.path, content: c.content }));
      const outcome = await commitFiles(
        octokit,
        target.repo,
        target.defaultBranch,
        head,
        files,
        reconcileCommitMessage(plan.certificates),
      );
      if (outcome.kind === "moved") {
        head = await branchHead();
        log.info({ attempt, head }, "default branch moved: reconciling again from its new head");
        continue;
      }
      if (outcome.kind === "refused") {
        const pull = await proposeRefusedCommit(
          octokit,
          target.repo,
          target.defaultBranch,
          outcome.sha,
          "kaws: issue admin certificates",
          outcome.message,
        );
        log.warn(
          { pull, reason: outcome.message },
          "default branch refused the reconcile commit: opened a pull request with it",
        );
      } else {
        log.info(
          {
            commit: outcome.sha,
            certificates: plan.certificates.map((c) => ({
              cluster: c.cluster,
              login: c.login,
              serial: c.issued.serial,
            })),
          },
          "issued admin certificates",
        );
        await announceCertificates(deps, target.repo, plan.certificates);
      }
    }
    await reportRefused(deps, target.repo, plan.refused);
    return;
  }
  throw new Error(
    `the default branch kept moving: gave up after ${ATTEMPTS} attempts; the next push or /kaws reencrypt finishes the job`,
  );
}

async function planReconcile(
  deps: ReconcileDeps,
  target: { repo: RepoRef; defaultBranch: string },
  head: string,
) {
  const { octokit } = deps;
  const listing = await fetchTreeListing(octokit, target.repo, head);
  const csrs = findUnsignedCsrs(listing);
  if (csrs.length === 0) return { certificates: [] as CertificateToWrite[], refused: [] as RefusedCsr[] };
  const wanted = [CONFIG_PATH, BOT_KEY_PATH];
  for (const csr of csrs) {
    wanted.push(
      csr.path,
      `${csr.path}.asc`,
      pubkeyPath(csr.login),
      clusterFile.cert(csr.cluster, "ca"),
      clusterFile.key(csr.cluster, "ca"),
    );
  }
  const tree = await loadBlobs(octokit, target.repo, listing, wanted, deps.cache);
  const now = deps.now();
  const verification = await verifyTree(tree, { now, keyCache: deps.keyCache });
  const approvals = new Map<string, CsrApproval>();
  const refused: RefusedCsr[] = [];
  for (const csr of csrs) {
    const facts = readCsr(tree.get(csr.path)?.bytes ?? new Uint8Array());
    const groups = facts.ok ? facts.facts.organizations : [];
    const proof = await proveCsrApproval(octokit, target.repo, {
      csr,
      groups,
      branchHead: head,
      defaultBranch: target.defaultBranch,
      config: verification.config,
    });
    if (proof.approved) approvals.set(csr.path, proof.approval);
    else refused.push({ csr, reason: proof.reason });
  }
  const approved = csrs.filter((csr) => approvals.has(csr.path));
  const botKey = approved.length > 0 ? await deps.botKey() : null;
  if (approved.length > 0 && botKey === null) {
    return {
      certificates: [],
      refused: [
        ...refused,
        ...approved.map((csr) => ({
          csr,
          reason: "the bot has no key to open the CA key with (KAWS_BOT_KEY is not set)",
        })),
      ],
    };
  }
  if (botKey === null) return { certificates: [], refused };
  const plan = await planCertificates({
    tree,
    csrs: approved,
    approvals,
    findings: verification.findings,
    config: verification.config,
    botKey,
    now,
  });
  return { certificates: plan.certificates, refused: [...refused, ...plan.refused] };
}

/** One reply on each merged pull request: serial, fingerprint and expiry of what was issued. */
async function announceCertificates(
  deps: ReconcileDeps,
  repo: RepoRef,
  certificates: readonly CertificateToWrite[],
): Promise<void> {
  const byPull = new Map<number, CertificateToWrite[]>();
  for (const c of certificates)
    byPull.set(c.approval.pullNumber, [...(byPull.get(c.approval.pullNumber) ?? []), c]);
  for (const [pull, issued] of byPull) {
    const lines = issued.map(
      (c) =>
        `- \`${c.path}\` for @${c.login} on **${c.cluster}**: serial \`${c.issued.serial}\`, SHA-256 fingerprint \`${c.issued.fingerprintSha256}\`, valid until ${c.issued.notAfter.toISOString().slice(0, 10)}.`,
    );
    const body = `<!-- kaws-bot:issued:${issued.map((c) => c.issued.serial).join(",")} -->\nIssued on the default branch:\n${lines.join("\n")}\n\nNext: \`npx kaws admin install --cluster <cluster> --login <login>\` writes your kubeconfig.`;
    await deps.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...repo,
      issue_number: pull,
      body,
    });
  }
}

/** One issue naming every CSR on the branch that will not be signed, and why; closed when none is left. */
async function reportRefused(
  deps: ReconcileDeps,
  repo: RepoRef,
  refused: readonly RefusedCsr[],
): Promise<void> {
  const content =
    refused.length === 0
      ? null
      : {
          title: `kaws: ${refused.length} CSR(s) on the default branch will not be signed`,
          body: [
            "These CSRs are on the default branch but the bot will not sign them. A certificate is issued only for a CSR whose exact bytes a maintainer approved in a merged pull request.",
            "",
            ...refused.map((r) => `- \`${r.csr.path}\`: ${r.reason}.`),
            "",
            "To fix: remove the CSR, or bring it again in a pull request and have it approved.",
          ].join("\n"),
        };
  const result = await upsertBotIssue(deps.octokit, repo, "unsigned-csrs", content);
  if (result !== "none" && result !== "unchanged")
    deps.log.warn({ refused: refused.map((r) => r.csr.path), issue: result }, "CSRs that will not be signed");
}
