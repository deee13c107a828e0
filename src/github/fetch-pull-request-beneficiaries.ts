import { beneficiariesOf } from "../core/policy/beneficiaries-of.js";
import type { PathChange } from "../core/policy/diff-trees.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

const CHANGES: Record<string, PathChange["change"]> = {
  added: "added",
  removed: "removed",
  modified: "modified",
  changed: "modified",
  renamed: "added",
  copied: "added",
};

/** GitHub lists at most this many files of a pull request: beyond it, nobody can say who benefits. */
const LISTED_FILES = 3000;

/**
 * The logins whose own files a pull request adds or changes (`GET /pulls/{n}/files`, GitHub's
 * diff), or null when the pull request is too large for GitHub to list every file.
 */
export async function fetchPullRequestBeneficiaries(
  octokit: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
): Promise<string[] | null> {
  const files = await octokit.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    ...repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  if (files.length >= LISTED_FILES) return null;
  return beneficiariesOf(
    files.map((file) => ({ path: file.filename, change: CHANGES[file.status] ?? "modified" })),
  );
}
