import type { GitHubClient, RepoRef } from "./github-client.js";

/** Whether `ancestor` is `descendant` or one of its ancestors (`GET /compare`, one call). */
export async function isAncestor(
  octokit: GitHubClient,
  repo: RepoRef,
  ancestor: string,
  descendant: string,
): Promise<boolean> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    ...repo,
    basehead: `${ancestor}...${descendant}`,
    per_page: 1,
  });
  return data.status === "ahead" || data.status === "identical";
}
