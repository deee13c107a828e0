import type { GitHubClient, RepoRef } from "./github-client.js";

export interface MergedPullRequest {
  readonly number: number;
  readonly headSha: string;
  readonly author: string;
  readonly htmlUrl: string;
  /** The default branch's commit the pull request was last based on (GitHub's `base.sha`). */
  readonly baseSha: string;
  /** When GitHub merged it. */
  readonly mergedAt: Date;
}

/**
 * The merged pull request (into the default branch) that brought a commit, if any
 * (`GET /commits/{sha}/pulls`): squash, merge and rebase merges all answer it.
 */
export async function findMergedPullRequest(
  octokit: GitHubClient,
  repo: RepoRef,
  commitSha: string,
  defaultBranch: string,
): Promise<MergedPullRequest | null> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", {
    ...repo,
    commit_sha: commitSha,
    per_page: 100,
  });
  const merged = data.find((pull) => pull.merged_at !== null && pull.base.ref === defaultBranch);
  if (merged === undefined) return null;
  return {
    number: merged.number,
    headSha: merged.head.sha,
    author: merged.user?.login ?? "ghost",
    htmlUrl: merged.html_url,
    baseSha: merged.base.sha,
    mergedAt: new Date(merged.merged_at!),
  };
}
