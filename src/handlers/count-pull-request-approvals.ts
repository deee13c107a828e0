import type { KawsConfig } from "../core/config/kaws-config.js";
import { countApprovals, type ApprovalCount, type ReportedHead } from "../core/policy/count-approvals.js";
import { approvalSignals } from "../github/approval-signals.js";
import type { IssueComment, Review } from "../github/fetch-pull-request-discussion.js";
import type { GitHubClient, RepoRef } from "../github/github-client.js";
import { resolveMaintainers } from "../github/resolve-maintainers.js";

/** The maintainers' approvals of a pull request's exact head, from its reviews, comments and the bot's ledger. */
export async function countPullRequestApprovals(
  octokit: GitHubClient,
  repo: RepoRef,
  discussion: { reviews: readonly Review[]; comments: readonly IssueComment[] },
  ledger: readonly ReportedHead[],
  pull: { headSha: string; author: string },
  config: KawsConfig,
  required: number,
): Promise<ApprovalCount> {
  const signals = approvalSignals(discussion.reviews, discussion.comments);
  const maintainers = await resolveMaintainers(
    octokit,
    repo.owner,
    config,
    signals.map((s) => s.login),
  );
  return countApprovals({
    signals,
    reported: ledger,
    headSha: pull.headSha,
    author: pull.author,
    isMaintainer: (login) => maintainers.has(login),
    required,
  });
}
