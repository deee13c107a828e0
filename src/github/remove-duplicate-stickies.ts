import type { IssueComment } from "./fetch-pull-request-discussion.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import { findStickyComments } from "./upsert-sticky-comment.js";

/**
 * Leave one sticky comment: the oldest of this app's (lowest id), given `body` when it says
 * otherwise, and delete this app's other ones — found as the sticky is (this app's login and the
 * marker), never anyone else's comment. There is more than one only when replicas created at once,
 * one of them without the lock (an older version of the bot). Answers how many were deleted.
 */
export async function removeDuplicateStickies(
  octokit: GitHubClient,
  repo: RepoRef,
  comments: readonly IssueComment[],
  body: string,
): Promise<number> {
  const [kept, ...duplicates] = findStickyComments(comments);
  if (kept === undefined || duplicates.length === 0) return 0;
  if (kept.body !== body)
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      ...repo,
      comment_id: kept.id,
      body,
    });
  for (const duplicate of duplicates) {
    try {
      await octokit.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        ...repo,
        comment_id: duplicate.id,
      });
    } catch (cause) {
      // another replica removed it first
      if ((cause as { status?: number }).status !== 404) throw cause;
    }
  }
  return duplicates.length;
}
