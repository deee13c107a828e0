import { createRepoTree, type RepoTree } from "../core/tree/repo-tree.js";
import type { BlobCache } from "./blob-cache.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** At most this many blob requests at once (GitHub's secondary rate limits dislike bursts). */
const CONCURRENCY = 4;

/** The tree with the bytes of `paths` filled in, from the cache or one `GET git/blobs` each. */
export async function loadBlobs(
  octokit: GitHubClient,
  repo: RepoRef,
  tree: RepoTree,
  paths: Iterable<string>,
  cache: BlobCache,
): Promise<RepoTree> {
  const repoKey = `${repo.owner}/${repo.repo}`;
  const wanted = [...paths]
    .map((path) => tree.get(path))
    .filter((entry) => entry?.oid !== undefined && entry.mode !== "160000")
    .map((entry) => ({ path: entry!.path, oid: entry!.oid! }));
  const bytesByOid = new Map<string, Uint8Array>();
  const missing: string[] = [];
  for (const { oid } of wanted) {
    const cached = cache.get(repoKey, oid);
    if (cached !== undefined) bytesByOid.set(oid, cached);
    else if (!missing.includes(oid)) missing.push(oid);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, missing.length) }, async () => {
      while (next < missing.length) {
        const oid = missing[next++]!;
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", {
          ...repo,
          file_sha: oid,
        });
        const bytes = new Uint8Array(
          Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8"),
        );
        bytesByOid.set(oid, bytes);
        cache.set(repoKey, oid, bytes);
      }
    }),
  );
  const loaded = new Map(wanted.map(({ path, oid }) => [path, bytesByOid.get(oid)]));
  return createRepoTree(
    [...tree.values()].map((entry) =>
      loaded.has(entry.path) ? { ...entry, bytes: loaded.get(entry.path) } : entry,
    ),
  );
}
