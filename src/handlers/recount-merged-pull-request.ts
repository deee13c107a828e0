import type { KawsConfig } from "../core/config/kaws-config.js";
import { lastHeadBreak } from "../core/policy/count-approvals.js";
import { requiredApprovals } from "../core/policy/required-approvals.js";
import { fetchHeadBreaks } from "../github/fetch-head-breaks.js";
import { fetchDefaultBranchConfig } from "../github/fetch-default-branch-config.js";
import { fetchPullRequestBeneficiaries } from "../github/fetch-pull-request-beneficiaries.js";
import { fetchPullRequestCommitters } from "../github/fetch-pull-request-committers.js";
import { fetchPullRequestDiscussion } from "../github/fetch-pull-request-discussion.js";
import type { MergedPullRequest } from "../github/find-merged-pull-request.js";
import type { GitHubClient, RepoRef } from "../github/github-client.js";
import { isAncestor } from "../github/is-ancestor.js";
import { listOwnCheckRuns } from "../github/list-own-check-runs.js";
import { countPullRequestApprovals } from "./count-pull-request-approvals.js";

export type MergedApprovers =
  | {
      ok: true;
      approvers: string[];
      /** Approvals a request for these groups needs, by the stricter of both configs. */
      required: (groups: readonly string[]) => number;
    }
  | { ok: false; reason: string };

/**
 * A merged pull request's approvals recounted at merge time (DESIGN 4.1): who may approve comes from
 * the default branch as the pull request was based on it (GitHub's `base.sha`, checked to be on the
 * branch) and as it is now — both must list a maintainer, the stricter count applies, so the merged
 * change's own `kaws.yml` can never approve itself. The author, whoever the change gives access,
 * whoever pushed to it (as recorded) and the GitHub users linked to its commits never count; approvals older than `approval_max_age_days` at `merged_at` count for nothing.
 */
export async function recountMergedPullRequest(
  octokit: GitHubClient,
  repo: RepoRef,
  input: {
    pull: MergedPullRequest;
    branchHead: string;
    branchConfig: KawsConfig;
    botLogin: string;
    appId: number;
  },
): Promise<MergedApprovers> {
  const { pull } = input;
  if (!(await isAncestor(octokit, repo, pull.baseSha, input.branchHead)))
    return {
      ok: false,
      reason: `the base ${pull.baseSha.slice(0, 12)} of #${pull.number} is not on the default branch`,
    };
  const [baseConfig, beneficiaries, committers, discussion, ownRuns, breaks] = await Promise.all([
    fetchDefaultBranchConfig(octokit, repo, pull.baseSha),
    fetchPullRequestBeneficiaries(octokit, repo, pull.number),
    fetchPullRequestCommitters(octokit, repo, pull.number),
    fetchPullRequestDiscussion(octokit, repo, pull.number, input.botLogin),
    listOwnCheckRuns(octokit, repo, pull.headSha, input.appId, pull.number),
    fetchHeadBreaks(octokit, repo, pull.number),
  ]);
  if (baseConfig === null)
    return { ok: false, reason: `the .github/kaws.yml that #${pull.number} was based on is invalid` };
  if (beneficiaries === null)
    return {
      ok: false,
      reason: `#${pull.number} changes more files than GitHub lists: who it gives access cannot be told`,
    };
  const authorities = [baseConfig, input.branchConfig];
  const maxAgeDays = Math.min(...authorities.map((c) => c.approval_max_age_days));
  const { approvals } = await countPullRequestApprovals(octokit, repo, {
    pull,
    discussion,
    ownRuns,
    records: [{ cancels: [], editedComments: [], pushers: committers }],
    headBreak: lastHeadBreak(breaks),
    authorities,
    required: 1,
    beneficiaries,
    notBefore: new Date(pull.mergedAt.getTime() - maxAgeDays * 86_400_000),
    notAfter: pull.mergedAt,
  });
  return {
    ok: true,
    approvers: approvals.approvers,
    required: (groups) => Math.max(...authorities.map((config) => requiredApprovals(config, groups))),
  };
}
