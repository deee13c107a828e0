import type { KawsConfig } from "../core/config/kaws-config.js";
import {
  countApprovals,
  headReportedSince,
  type ApprovalCount,
  type ApprovalSignal,
} from "../core/policy/count-approvals.js";
import { latestCancels, parseCancelRecord, type CancelRecord } from "../core/report/cancel-record.js";
import { approvalSignals, cancelsIn } from "../github/approval-signals.js";
import { fetchHeadBreaks } from "../github/fetch-head-breaks.js";
import type { IssueComment, Review } from "../github/fetch-pull-request-discussion.js";
import type { GitHubClient, RepoRef } from "../github/github-client.js";
import type { OwnCheckRun } from "../github/list-own-check-runs.js";
import { resolveMaintainers } from "../github/resolve-maintainers.js";

export interface PullRequestApprovalInput {
  readonly pull: { readonly number: number; readonly headSha: string; readonly author: string };
  readonly discussion: { readonly reviews: readonly Review[]; readonly comments: readonly IssueComment[] };
  /** This app's own `kaws` check runs on the head: when it reported it, and the cancels it recorded. */
  readonly ownRuns: readonly OwnCheckRun[];
  /** Cancels read from the webhook that brought this event (a comment since edited or deleted). */
  readonly seenCancels?: readonly CancelRecord[];
  /** Who may approve: a maintainer counts only when every one of these configs says so. */
  readonly authorities: readonly KawsConfig[];
  readonly required: number;
  /** Logins whose own files the change adds or changes: they never approve it. */
  readonly beneficiaries: readonly string[];
  /** Approvals before this (GitHub's time) are too old (`approval_max_age_days`). */
  readonly notBefore?: Date;
}

export interface PullRequestApprovals {
  readonly approvals: ApprovalCount;
  /** Every cancel known now, to record in the bot's next check run on the head. */
  readonly cancels: CancelRecord[];
}

/**
 * The maintainers' approvals of a pull request's exact head (DESIGN 4.1), from GitHub's reviews and
 * comments, bound with GitHub's own timestamps on this app's own check runs, and the cancels the
 * bot recorded in them. Force-push events are read only when a bare `/kaws approve` needs them.
 */
export async function countPullRequestApprovals(
  octokit: GitHubClient,
  repo: RepoRef,
  input: PullRequestApprovalInput,
): Promise<PullRequestApprovals> {
  const cancels = latestCancels([
    ...input.ownRuns.flatMap((run) => parseCancelRecord(run.summary)),
    ...(input.seenCancels ?? []),
    ...cancelsIn(input.discussion.comments),
  ]);
  const signals = approvalSignals(input.discussion.reviews, input.discussion.comments, cancels);
  const isMaintainer = await maintainersOf(octokit, repo.owner, input.authorities, signals);
  const bareApproval = signals.some(
    (s) => s.kind === "comment" && s.command === "approve" && s.sha === undefined,
  );
  const reportedAt = input.ownRuns.flatMap((run) => (run.startedAt === null ? [] : [run.startedAt]));
  const since =
    bareApproval && reportedAt.length > 0
      ? headReportedSince(reportedAt, await fetchHeadBreaks(octokit, repo, input.pull.number))
      : null;
  const excluded = new Map<string, string>();
  for (const login of input.beneficiaries)
    excluded.set(
      login.toLowerCase(),
      "nobody approves access for themselves: this pull request changes their own key or certificate request",
    );
  excluded.set(input.pull.author.toLowerCase(), "the author of a change cannot approve it");
  const maxAgeDays = Math.min(...input.authorities.map((c) => c.approval_max_age_days));
  const approvals = countApprovals({
    signals,
    headSha: input.pull.headSha,
    headReportedSince: since,
    excluded,
    isMaintainer,
    required: input.required,
    ...(input.notBefore === undefined ? {} : { notBefore: input.notBefore, maxAgeDays }),
  });
  return { approvals, cancels };
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
