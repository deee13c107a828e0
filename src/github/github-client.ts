import type { ProbotOctokit } from "probot";

/** The authenticated client of one installation (Probot's Octokit: retries, throttling, GHE base URL). */
export type GitHubClient = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}
