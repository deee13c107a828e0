import type { CheckRunReport } from "../core/report/check-run-report.js";
import { fetchIssueComments, type IssueComment } from "./fetch-pull-request-discussion.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import { listOwnCheckRuns, runsAfterHeadBreak } from "./list-own-check-runs.js";
import type { OwnCheckRun } from "./own-check-run.js";
import { checkRunChange, publishCheckRun, type PublishResult } from "./publish-check-run.js";
import { withRefLock, type RefLockTimings } from "./ref-lock.js";
import { removeDuplicateStickies } from "./remove-duplicate-stickies.js";
import { findStickyComment, upsertStickyComment } from "./upsert-sticky-comment.js";

export interface PublishDeps {
  readonly octokit: GitHubClient;
  /** This app's id and login: only its check runs and comments are its own. */
  readonly appId: number;
  readonly botLogin: string;
  readonly locks?: RefLockTimings;
}

export interface PublishedReports {
  readonly checkRun: PublishResult;
  readonly comment: PublishResult | "skipped";
}

/**
 * Publish the `kaws` check run and the sticky comment of a pull request so that replicas of the bot
 * evaluating it at once leave one of each. Updating, or changing nothing, needs no lock and costs
 * no call more than before. Creating — a run or the comment that the evaluation found missing —
 * happens under one lock per pull request, after reading again what another replica may have just
 * written: this app's runs for the head (a run begun before the last force-push is not current) and
 * the comments; then only what is still missing is created, the rest updated. A check run cannot
 * be deleted, so it must not be duplicated. Sticky comments can: one that a replica without the
 * lock (an older version) made beside ours is deleted, the oldest kept — looked for once more
 * after ours is created, and in every listing the evaluation reads anyway.
 */
export async function publishPullRequestReports(
  deps: PublishDeps,
  pull: { repo: RepoRef; number: number; headSha: string; htmlUrl: string },
  reports: { checkRun: CheckRunReport; stickyBody: string | undefined },
  seen: {
    /** This app's runs for the head begun after the last head break, oldest first. */
    currentRuns: readonly OwnCheckRun[];
    headBreak: Date | null;
    comments: readonly IssueComment[];
    /** The default branch's commit the evaluation read: the lock ref points there. */
    authorityCommit: string;
  },
): Promise<PublishedReports> {
  const { octokit } = deps;
  const runMissing = checkRunChange(pull.number, reports.checkRun, seen.currentRuns.at(-1)) === "created";
  const stickyMissing = reports.stickyBody !== undefined && findStickyComment(seen.comments) === undefined;
  if (!runMissing && !stickyMissing)
    return publishBoth(deps, pull, reports, seen.currentRuns.at(-1), seen.comments);
  return withRefLock(
    octokit,
    pull.repo,
    { name: `pr-${pull.number}`, sha: seen.authorityCommit },
    async () => {
      // Runs a replica made since this evaluation's read are newer than any head break it saw.
      const runs = runMissing
        ? runsAfterHeadBreak(
            await listOwnCheckRuns(octokit, pull.repo, pull.headSha, deps.appId, pull.number),
            seen.headBreak,
          )
        : seen.currentRuns;
      const comments = stickyMissing
        ? await fetchIssueComments(octokit, pull.repo, pull.number, deps.botLogin)
        : seen.comments;
      return publishBoth(deps, pull, reports, runs.at(-1), comments);
    },
    deps.locks,
  );
}

/** The run, then the comment, each created, updated or left as it is; duplicate stickies removed. */
async function publishBoth(
  deps: PublishDeps,
  pull: { repo: RepoRef; number: number; headSha: string; htmlUrl: string },
  reports: { checkRun: CheckRunReport; stickyBody: string | undefined },
  ownRun: OwnCheckRun | undefined,
  comments: readonly IssueComment[],
): Promise<PublishedReports> {
  const { octokit } = deps;
  const checkRun = await publishCheckRun(octokit, pull.repo, pull, reports.checkRun, ownRun);
  const body = reports.stickyBody;
  if (body === undefined) return { checkRun, comment: "skipped" };
  const existing = findStickyComment(comments);
  const comment = await upsertStickyComment(octokit, pull.repo, pull.number, existing, body);
  // a replica without the lock (an older version) may have created one at the same moment as ours
  const after =
    comment === "created"
      ? await fetchIssueComments(octokit, pull.repo, pull.number, deps.botLogin)
      : comments.map((c) => (c.id === existing?.id ? { ...c, body } : c));
  await removeDuplicateStickies(octokit, pull.repo, after, body);
  return { checkRun, comment };
}
