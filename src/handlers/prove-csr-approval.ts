import type { KawsConfig } from "../core/config/kaws-config.js";
import type { CsrApproval } from "../core/reconcile/plan-certificates.js";
import type { UnsignedCsr } from "../core/reconcile/find-unsigned-csrs.js";
import { wasIssued } from "../core/reconcile/issued-certificates.js";
import { clusterFile } from "../core/tree/classify-path.js";
import { findMergedPullRequest, type MergedPullRequest } from "../github/find-merged-pull-request.js";
import type { GitHubClient, RepoRef } from "../github/github-client.js";
import { listCommitsTouching } from "../github/list-commits-touching.js";
import { recountMergedPullRequest, type MergedApprovers } from "./recount-merged-pull-request.js";

export type ApprovalProof = { approved: true; approval: CsrApproval } | { approved: false; reason: string };

export interface ProofInput {
  readonly csr: UnsignedCsr;
  readonly csrSha256: string;
  readonly groups: readonly string[];
  readonly branchHead: string;
  readonly defaultBranch: string;
  /** The branch's own config now; the merged PR's base config is read too. */
  readonly config: KawsConfig;
  readonly botLogin: string;
  readonly appId: number;
}

/**
 * Was this exact CSR blob approved in a merged pull request, and never issued before? Find the last
 * commit that touched it, the merged PR that brought that commit, require that PR's final head to
 * hold this very blob, recount that PR's approvals at merge (memoised per PR in `recounts`), and
 * look for a certificate already issued for this CSR in the reconciler's own trailers. Any doubt refuses.
 */
export async function proveCsrApproval(
  octokit: GitHubClient,
  repo: RepoRef,
  input: ProofInput,
  recounts: Map<number, Promise<MergedApprovers>> = new Map(),
): Promise<ApprovalProof> {
  const { csr } = input;
  const [last] = await listCommitsTouching(octokit, repo, input.branchHead, csr.path, 1);
  if (last === undefined) return { approved: false, reason: "no commit on the branch brought it" };
  const pull = await findMergedPullRequest(octokit, repo, last.sha, input.defaultBranch);
  if (pull === null)
    return {
      approved: false,
      reason: `it arrived in ${last.sha.slice(0, 12)}, which no merged pull request brought (a direct push?)`,
    };
  const refusal =
    (await sameBlobAtHead(octokit, repo, csr, pull)) ?? (await issuedBefore(octokit, repo, input));
  if (refusal !== null) return { approved: false, reason: refusal };
  let recount = recounts.get(pull.number);
  if (recount === undefined) {
    recount = recountMergedPullRequest(octokit, repo, { ...input, pull, branchConfig: input.config });
    recounts.set(pull.number, recount);
  }
  const approvers = await recount;
  if (!approvers.ok) return { approved: false, reason: approvers.reason };
  const required = approvers.required(input.groups);
  if (approvers.approvers.length < required) {
    return {
      approved: false,
      reason: `#${pull.number} had ${approvers.approvers.length} of ${required} maintainer approvals that count at its merge for its final commit ${pull.headSha.slice(0, 12)}`,
    };
  }
  return { approved: true, approval: { pullNumber: pull.number, approvers: approvers.approvers } };
}

/** The CSR on the branch must be the blob at the final commit of the PR that maintainers saw. */
async function sameBlobAtHead(
  octokit: GitHubClient,
  repo: RepoRef,
  csr: UnsignedCsr,
  pull: MergedPullRequest,
): Promise<string | null> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path: csr.path,
      ref: pull.headSha,
    });
    if (!Array.isArray(data) && data.sha === csr.oid) return null;
  } catch (cause) {
    if ((cause as { status?: number }).status !== 404) throw cause;
  }
  return `the CSR on the branch is not the one at the final commit of #${pull.number} that maintainers saw`;
}

/** The most issuances of one admin file the ledger reads; a full page fails closed. */
const LEDGER_PAGE = 100;

/**
 * One issuance per CSR: a certificate deleted since is not issued again from the same approval.
 * The ledger is the trailers of this app's own commits that touched the `.pem` (GitHub's author
 * filter; anyone else's trailers are not read); when a whole page of them holds no match, the bot
 * cannot be sure and refuses.
 */
async function issuedBefore(octokit: GitHubClient, repo: RepoRef, input: ProofInput): Promise<string | null> {
  const { csr } = input;
  const history = await listCommitsTouching(
    octokit,
    repo,
    input.branchHead,
    clusterFile.adminCert(csr.cluster, csr.login),
    LEDGER_PAGE,
    input.botLogin,
  );
  const messages = history.map((commit) => commit.message);
  if (wasIssued(messages, { cluster: csr.cluster, login: csr.login, csrSha256: input.csrSha256 }))
    return "a certificate was already issued for this exact CSR; a renewal needs a new key and CSR (`kaws admin renew`) approved in a pull request";
  if (history.length >= LEDGER_PAGE)
    return `the bot made ${LEDGER_PAGE} or more commits to this certificate: it cannot tell whether this CSR was issued before, so it refuses`;
  return null;
}
