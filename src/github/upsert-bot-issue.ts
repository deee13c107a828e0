import type { GitHubClient, RepoRef } from "./github-client.js";

/**
 * The bot's one open issue for a topic (found by a hidden marker in a bot-written body): created,
 * updated when its text changed, closed when there is nothing left to say.
 */
export async function upsertBotIssue(
  octokit: GitHubClient,
  repo: RepoRef,
  topic: string,
  content: { title: string; body: string } | null,
  botLogin: string,
): Promise<"created" | "updated" | "unchanged" | "closed" | "none"> {
  const marker = `<!-- kaws-bot:issue:${topic} -->`;
  const open = await octokit.paginate("GET /repos/{owner}/{repo}/issues", {
    ...repo,
    state: "open",
    per_page: 100,
  });
  const existing = open.find(
    (issue) =>
      issue.pull_request === undefined &&
      issue.user?.login === botLogin &&
      (issue.body ?? "").startsWith(marker),
  );
  if (content === null) {
    if (existing === undefined) return "none";
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...repo,
      issue_number: existing.number,
      state: "closed",
    });
    return "closed";
  }
  const body = `${marker}\n${content.body}`;
  if (existing === undefined) {
    await octokit.request("POST /repos/{owner}/{repo}/issues", { ...repo, title: content.title, body });
    return "created";
  }
  if (existing.body === body && existing.title === content.title) return "unchanged";
  await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
    ...repo,
    issue_number: existing.number,
    title: content.title,
    body,
  });
  return "updated";
}
