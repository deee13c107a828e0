import type { KawsConfig } from "../core/config/kaws-config.js";
import {
  countApprovals,
  headReportedSince,
  type ApprovalCount,
  type ApprovalSignal,
} from "../core/policy/count-approvals.js";
import {
  mergeRecords,
  parseApprovalRecord,
  relevantRecord,
  type ApprovalRecord,
} from "../core/report/approval-record.js";
import { approvalSignals, cancelsIn } from "../github/approval-signals.js";
import type { IssueComment, Review } from "../github/fetch-pull-request-discussion.js";
import type { GitHubClient, RepoRef } from "../github/github-client.js";
import type { OwnCheckRun } from "../github/own-check-run.js";
import { resolveMaintainers } from "../github/resolve-maintainers.js";

export interface PullRequestApprovalInput {
  readonly pull: { readonly number: number; readonly headSha: string; readonly author: string };
  readonly discussion: { readonly reviews: readonly Review[]; readonly comments: readonly IssueComment[] };
  /** This app's own `kaws` check runs for this pull request on its head: when it reported it, what it recorded. */
  readonly ownRuns: readonly OwnCheckRun[];
  /** Records to carry over (the previous head's runs) and what this delivery showed. */
  readonly records?: readonly ApprovalRecord[];
  /** The last force-push, branch restore or reopen of the pull request (GitHub's time), if any. */
  readonly headBreak: Date | null;
  /** Who may approve: a maintainer counts only when every one of these configs says so. */
  readonly authorities: readonly KawsConfig[];
  readonly required: number;
  /** Logins whose own files the change adds or changes: they never approve it. */
  readonly beneficiaries: readonly string[];
  /** Approvals before this (GitHub's time) are too old (`approval_max_age_days`). */
  readonly notBefore?: Date;
  /** Approvals after this (the merge) count for nothing. */
  readonly notAfter?: Date;
}

export interface PullRequestApprovals {
  readonly approvals: ApprovalCount;
  /** Everything known now, to record in the bot's next check run on the head. */
  readonly record: ApprovalRecord;
}

/** Why the author's own approval never counts. */
export const AUTHOR_CANNOT_APPROVE = "the author of a change cannot approve it";

/**
 * The maintainers' approvals of a pull request's exact head (DESIGN 4.1), from GitHub's reviews and
 * comments, bound with GitHub's own timestamps on this app's own check runs, and what the bot
 * recorded in them: cancels, edited approval comments, and who pushed.
 */
export async function countPullRequestApprovals(
  octokit: GitHubClient,
  repo: RepoRef,
  input: PullRequestApprovalInput,
): Promise<PullRequestApprovals> {
  const record = mergeRecords([
    ...input.ownRuns.map((run) => parseApprovalRecord(run.summary)),
    ...(input.records ?? []),
    { cancels: cancelsIn(input.discussion.comments), editedComments: [], pushers: [] },
  ]);
  const signals = approvalSignals(input.discussion.reviews, input.discussion.comments, record);
  const isMaintainer = await maintainersOf(octokit, repo.owner, input.authorities, signals);
  const reportedAt = input.ownRuns.flatMap((run) => (run.startedAt === null ? [] : [run.startedAt]));
  const excluded = new Map<string, string>();
  for (const login of record.pushers)
    excluded.set(login, "they pushed commits to this pull request: nobody approves their own push");
  for (const login of input.beneficiaries)
    excluded.set(
      login.toLowerCase(),
      "nobody approves access for themselves: this pull request changes their own key or certificate request",
    );
  excluded.set(input.pull.author.toLowerCase(), AUTHOR_CANNOT_APPROVE);
  const maxAgeDays = Math.min(...input.authorities.map((c) => c.approval_max_age_days));
  const approvals = countApprovals({
    signals,
    headSha: input.pull.headSha,
    headReportedSince: headReportedSince(reportedAt, input.headBreak),
    headBreak: input.headBreak,
    excluded,
    isMaintainer,
    required: input.required,
    ...(input.notBefore === undefined ? {} : { notBefore: input.notBefore, maxAgeDays }),
    ...(input.notAfter === undefined ? {} : { notAfter: input.notAfter }),
  });
  const maintainerComments = new Set(
    input.discussion.comments.filter((c) => isMaintainer(c.login)).map((c) => c.id),
  );
  return { approvals, record: relevantRecord(record, isMaintainer, maintainerComments) };
}

/** Maintainers of every authority at once: the intersection, so no config can add one alone. */
async function maintainersOf(
  octokit: GitHubClient,
  org: string,
  authorities: readonly KawsConfig[],
  signals: readonly ApprovalSignal[],
): Promise<(login: string) => boolean> {
  const logins = signals.map((s) => s.login);
  const distinct = [...new Map(authorities.map((c) => [JSON.stringify(c), c])).values()];
  const sets = await Promise.all(distinct.map((config) => resolveMaintainers(octokit, org, config, logins)));
  return (login) => sets.length > 0 && sets.every((set) => set.has(login.toLowerCase()));
}
