import type { IssueComment } from "./fetch-pull-request-discussion.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** A reply to one comment, marked with that comment's id, so a redelivery never replies twice. */
export async function replyOnce(
  octokit: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  inReplyTo: { id: number; login: string },
  text: string,
  existing: readonly IssueComment[],
): Promise<boolean> {
  const marker = `<!-- kaws-bot:reply-to:${inReplyTo.id} -->`;
  if (existing.some((comment) => comment.byThisApp && comment.body.includes(marker))) return false;
  await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: issueNumber,
    body: `${marker}\n@${inReplyTo.login} ${text}`,
  });
  return true;
}
