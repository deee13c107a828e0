import { STICKY_MARKER } from "../core/report/sticky-comment.js";
import type { IssueComment } from "./fetch-pull-request-discussion.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import type { PublishResult } from "./publish-check-run.js";

/** The bot's one comment: its marker, written by this app (nobody can plant a look-alike). */
export function findStickyComment(comments: readonly IssueComment[]): IssueComment | undefined {
  return findStickyComments(comments)[0];
}

/** Every sticky comment of this app, oldest (lowest id) first: more than one only when replicas raced. */
export function findStickyComments(comments: readonly IssueComment[]): IssueComment[] {
  return comments
    .filter((comment) => comment.byThisApp && comment.body.startsWith(STICKY_MARKER))
    .sort((a, b) => a.id - b.id);
}

/** Edit the one comment in place when its text changed; create it only when there is none. */
export async function upsertStickyComment(
  octokit: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  existing: IssueComment | undefined,
  body: string,
): Promise<PublishResult> {
  if (existing?.body === body) return "unchanged";
  if (existing !== undefined) {
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      ...repo,
      comment_id: existing.id,
      body,
    });
    return "updated";
  }
  await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: pullNumber,
    body,
  });
  return "created";
}
