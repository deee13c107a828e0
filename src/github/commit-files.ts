import type { GitHubClient, RepoRef } from "./github-client.js";

export interface FileWrite {
  readonly path: string;
  readonly content: string;
}

export type CommitOutcome =
  { kind: "committed"; sha: string } | { kind: "moved" } | { kind: "refused"; sha: string; message: string };

/**
 * Write files as ONE commit on top of `parent` with the Git Data API: one tree with inline
 * contents, one commit, one ref update with force=false. "moved" when the branch moved meanwhile
 * (the caller starts again from the new head); "refused" when the branch will not take the push
 * (protection): the commit exists and can be proposed as a pull request instead.
 */
export async function commitFiles(
  octokit: GitHubClient,
  repo: RepoRef,
  branch: string,
  parent: string,
  files: readonly FileWrite[],
  message: string,
): Promise<CommitOutcome> {
  const sha = await createCommit(octokit, repo, parent, files, message);
  try {
    await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
      ...repo,
      ref: `heads/${branch}`,
      sha,
      force: false,
    });
    return { kind: "committed", sha };
  } catch (cause) {
    const error = cause as { status?: number; message?: string };
    if (error.status === 422 && /fast.?forward/i.test(error.message ?? "")) return { kind: "moved" };
    if (error.status === 422 || error.status === 403 || error.status === 409)
      return { kind: "refused", sha, message: error.message ?? "refused" };
    throw cause;
  }
}

/** One tree with inline contents on top of `parent`'s, and one commit of it: no ref moves yet. */
export async function createCommit(
  octokit: GitHubClient,
  repo: RepoRef,
  parent: string,
  files: readonly FileWrite[],
  message: string,
): Promise<string> {
  const { data: parentCommit } = await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
    ...repo,
    commit_sha: parent,
  });
  const { data: tree } = await octokit.request("POST /repos/{owner}/{repo}/git/trees", {
    ...repo,
    base_tree: parentCommit.tree.sha,
    tree: files.map((file) => ({
      path: file.path,
      mode: "100644" as const,
      type: "blob" as const,
      content: file.content,
    })),
  });
  const { data: commit } = await octokit.request("POST /repos/{owner}/{repo}/git/commits", {
    ...repo,
    message,
    tree: tree.sha,
    parents: [parent],
  });
  return commit.sha;
}
