import type { KawsConfig } from "../core/config/kaws-config.js";
import { requiredApprovals } from "../core/policy/required-approvals.js";
import type { CsrApproval } from "../core/reconcile/plan-certificates.js";
import type { UnsignedCsr } from "../core/reconcile/find-unsigned-csrs.js";
import { parseLedger } from "../core/report/approval-ledger.js";
import { fetchPullRequestDiscussion } from "../github/fetch-pull-request-discussion.js";
import { findMergedPullRequest } from "../github/find-merged-pull-request.js";
import type { GitHubClient, RepoRef } from "../github/github-client.js";
import { findStickyComment } from "../github/upsert-sticky-comment.js";
import { countPullRequestApprovals } from "./count-pull-request-approvals.js";

export type ApprovalProof = { approved: true; approval: CsrApproval } | { approved: false; reason: string };

/**
 * Was this exact CSR blob approved in a merged pull request? Find the last commit that touched it,
 * the merged PR that brought that commit, recount that PR's approvals for its final head, and
 * require that head's CSR blob to be the branch's. Any doubt refuses.
 */
export async function proveCsrApproval(
  octokit: GitHubClient,
  repo: RepoRef,
  input: {
    csr: UnsignedCsr;
    groups: readonly string[];
    branchHead: string;
    defaultBranch: string;
    config: KawsConfig;
    botLogin: string;
  },
): Promise<ApprovalProof> {
  const { csr } = input;
  const { data: commits } = await octokit.request("GET /repos/{owner}/{repo}/commits", {
    ...repo,
    sha: input.branchHead,
    path: csr.path,
    per_page: 1,
  });
  const last = commits[0];
  if (last === undefined) return { approved: false, reason: "no commit on the branch brought it" };
  const pull = await findMergedPullRequest(octokit, repo, last.sha, input.defaultBranch);
  if (pull === null)
    return {
      approved: false,
      reason: `it arrived in ${last.sha.slice(0, 12)}, which no merged pull request brought (a direct push?)`,
    };
  const { data: atHead } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
    ...repo,
    path: csr.path,
    ref: pull.headSha,
  });
  if (Array.isArray(atHead) || atHead.sha !== csr.oid) {
    return {
      approved: false,
      reason: `the CSR on the branch is not the one at the final commit of #${pull.number} that maintainers saw`,
    };
  }
  const discussion = await fetchPullRequestDiscussion(octokit, repo, pull.number, input.botLogin);
  const ledger = parseLedger(findStickyComment(discussion.comments)?.body);
  const required = requiredApprovals(input.config, input.groups);
  const approvals = await countPullRequestApprovals(
    octokit,
    repo,
    discussion,
    ledger,
    pull,
    input.config,
    required,
  );
  if (!approvals.satisfied) {
    return {
      approved: false,
      reason: `#${pull.number} had ${approvals.approvers.length} of ${required} maintainer approvals for its final commit ${pull.headSha.slice(0, 12)}`,
    };
  }
  return { approved: true, approval: { pullNumber: pull.number, approvers: approvals.approvers } };
}
