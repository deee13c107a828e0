import type { GitHubClient, RepoRef } from "./github-client.js";

/** The newest commits reachable from `head` that touched `path` (one page), newest first; by `author` only, if given. */
export async function listCommitsTouching(
  octokit: GitHubClient,
  repo: RepoRef,
  head: string,
  path: string,
  perPage = 100,
  author?: string,
): Promise<{ sha: string; message: string }[]> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/commits", {
    ...repo,
    sha: head,
    path,
    per_page: perPage,
    ...(author === undefined ? {} : { author }),
  });
  return data.map((commit) => ({ sha: commit.sha, message: commit.commit.message }));
}
