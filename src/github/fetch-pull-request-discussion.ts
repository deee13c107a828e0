import type { GitHubClient, RepoRef } from "./github-client.js";

export interface IssueComment {
  readonly id: number;
  readonly body: string;
  readonly login: string;
  readonly isBot: boolean;
  /** Written by this app itself (its own login), not merely by some bot. */
  readonly byThisApp: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Review {
  readonly id: number;
  readonly login: string;
  readonly state: string;
  readonly body: string;
  readonly commitId: string;
  readonly submittedAt: Date;
}

/** Every review and every comment of a pull request (two paginated lists). */
export async function fetchPullRequestDiscussion(
  octokit: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  botLogin: string,
): Promise<{ reviews: Review[]; comments: IssueComment[] }> {
  const [reviews, comments] = await Promise.all([
    octokit.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
      ...repo,
      pull_number: pullNumber,
      per_page: 100,
    }),
    fetchIssueComments(octokit, repo, pullNumber, botLogin),
  ]);
  return {
    reviews: reviews
      .filter((r) => r.user && r.commit_id && r.submitted_at)
      .map((r) => ({
        id: r.id,
        login: r.user!.login,
        state: r.state,
        body: r.body ?? "",
        commitId: r.commit_id!,
        submittedAt: new Date(r.submitted_at!),
      })),
    comments,
  };
}

/** Every comment of an issue or pull request (one paginated list). */
export async function fetchIssueComments(
  octokit: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  botLogin: string,
): Promise<IssueComment[]> {
  const comments = await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  return comments
    .filter((c) => c.user)
    .map((c) => ({
      id: c.id,
      body: c.body ?? "",
      login: c.user!.login,
      isBot: c.user!.type === "Bot",
      byThisApp: c.user!.login === botLogin,
      createdAt: new Date(c.created_at),
      updatedAt: new Date(c.updated_at),
    }));
}
