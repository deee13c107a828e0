import { addedOrModifiedPaths, diffManagedPaths, type PathChange } from "../core/policy/diff-trees.js";
import { pathsToLoad, pathsToScan } from "../core/policy/paths-to-load.js";
import { renewalsToLoad } from "../core/policy/renewed-certificate.js";
import type { RepoTree } from "../core/tree/repo-tree.js";
import type { BlobCache } from "./blob-cache.js";
import { fetchAuthorityTree } from "./fetch-authority-tree.js";
import { fetchTreeListing } from "./fetch-tree-listing.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import { loadBlobs } from "./load-blobs.js";

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export interface PullRequestState {
  /** The default branch's commit whose config and keys judge the change. */
  readonly authorityCommit: string;
  readonly authority: RepoTree;
  /** The merge base of the pull request: where its change starts. */
  readonly base: RepoTree;
  readonly head: RepoTree;
  readonly changes: PathChange[];
  /** Changed files too many or too large to scan for private keys. */
  readonly unscanned: string[];
}

/**
 * Everything a pull-request evaluation reads, in a number of API calls that follows what the PR
 * touches: one compare (default branch tip and merge base), one tree listing per side, one GraphQL
 * query for the default branch's authority, and the blobs of changed files and their counterparts.
 * The head commit is read from the base repository, so forks need nothing more; nothing is executed.
 */
export async function loadPullRequestState(
  octokit: GitHubClient,
  repo: RepoRef,
  pull: { defaultBranch: string; headSha: string },
  cache: BlobCache,
): Promise<PullRequestState> {
  const { data: comparison } = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    ...repo,
    basehead: `${pull.defaultBranch}...${pull.headSha}`,
    per_page: 1,
  });
  const authorityCommit = comparison.base_commit.sha;
  const mergeBase = comparison.merge_base_commit.sha;
  // read once for all the repository's PRs that ask meanwhile: a full commit SHA names it for good
  const repoKey = `${repo.owner}/${repo.repo}`;
  const ofCommit = <T>(what: string, sha: string, load: () => Promise<T>) =>
    FULL_SHA.test(sha) ? cache.readOnce(repoKey, `${what} ${sha}`, load) : load();
  const [base, headListing, authority] = await Promise.all([
    ofCommit("listing", mergeBase, () => fetchTreeListing(octokit, repo, mergeBase)),
    ofCommit("listing", pull.headSha, () => fetchTreeListing(octokit, repo, pull.headSha)),
    ofCommit("authority", authorityCommit, () => fetchAuthorityTree(octokit, repo, authorityCommit, cache)),
  ]);
  const changes = diffManagedPaths(base, headListing);
  const { scan, skipped } = pathsToScan(addedOrModifiedPaths(base, headListing), headListing);
  const wanted = new Set([...pathsToLoad(changes, headListing), ...scan]);
  // the certificate a renewal replaces, to say when it expires (one blob per renewal)
  const [head, baseTree] = await Promise.all([
    loadBlobs(octokit, repo, headListing, wanted, cache),
    loadBlobs(octokit, repo, base, new Set(renewalsToLoad(changes)), cache),
  ]);
  return { authorityCommit, authority, base: baseTree, head, changes, unscanned: skipped };
}
