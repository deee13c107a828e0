import type { GitHubClient, RepoRef } from "./github-client.js";

export interface OpenPullRequest {
  readonly number: number;
  readonly headSha: string;
  readonly author: string;
  readonly htmlUrl: string;
}

/** The open pull requests into the default branch, newest first: one page of at most `limit`. */
export async function listOpenPullRequests(
  octokit: GitHubClient,
  repo: RepoRef,
  defaultBranch: string,
  limit = 100,
): Promise<OpenPullRequest[]> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls", {
    ...repo,
    state: "open",
    base: defaultBranch,
    sort: "updated",
    direction: "desc",
    per_page: limit,
  });
  return data.map((pull) => ({
    number: pull.number,
    headSha: pull.head.sha,
    author: pull.user?.login ?? "ghost",
    htmlUrl: pull.html_url,
  }));
}
