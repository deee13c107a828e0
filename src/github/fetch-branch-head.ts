import type { GitHubClient, RepoRef } from "./github-client.js";

/** The commit a branch points at now (`GET /git/ref/heads/<branch>`). */
export async function fetchBranchHead(octokit: GitHubClient, repo: RepoRef, branch: string): Promise<string> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
    ...repo,
    ref: `heads/${branch}`,
  });
  return data.object.sha;
}
