import { createRepoTree, type RepoTree } from "../core/tree/repo-tree.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** The whole tree of a commit as a listing (paths, modes, sizes, blob ids; no bytes): one API call. */
export async function fetchTreeListing(
  octokit: GitHubClient,
  repo: RepoRef,
  treeish: string,
): Promise<RepoTree> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", {
    ...repo,
    tree_sha: treeish,
    recursive: "1",
  });
  if (data.truncated) {
    throw new Error(`the tree of ${treeish} has too many files for one listing; kaws needs the whole tree`);
  }
  return createRepoTree(
    data.tree
      .filter((item) => item.type === "blob" || item.type === "commit")
      .map((item) => ({
        path: item.path as string,
        mode: item.mode as string,
        size: item.size ?? 0,
        oid: item.sha as string,
      })),
  );
}
