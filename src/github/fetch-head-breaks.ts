import type { GitHubClient, RepoRef } from "./github-client.js";

/** Events after which a pull request's head may be an older commit again (GitHub's own times). */
const HEAD_BREAKS = new Set(["head_ref_force_pushed", "head_ref_restored", "reopened"]);

/**
 * When the pull request's head may have jumped back to an older commit: a plain push only moves
 * the head forward, so between two of these the head that has the bot's check run stayed the head.
 */
export async function fetchHeadBreaks(
  octokit: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
): Promise<Date[]> {
  const events = await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/events", {
    ...repo,
    issue_number: pullNumber,
    per_page: 100,
  });
  return events.filter((event) => HEAD_BREAKS.has(event.event)).map((event) => new Date(event.created_at));
}
