import { STICKY_MARKER } from "../core/report/sticky-comment.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import type { PublishResult } from "./publish-check-run.js";

/**
 * The bot's one comment on a pull request: found by its marker (and a bot author, so nobody can
 * plant a look-alike), edited in place when its text changed, created only when there is none.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  body: string,
): Promise<PublishResult> {
  for await (const { data } of octokit.paginate.iterator(
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    {
      ...repo,
      issue_number: pullNumber,
      per_page: 100,
    },
  )) {
    const ours = data.find(
      (comment) => comment.user?.type === "Bot" && comment.body?.startsWith(STICKY_MARKER),
    );
    if (ours === undefined) continue;
    if (ours.body === body) return "unchanged";
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      ...repo,
      comment_id: ours.id,
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
