import { createHash } from "node:crypto";
import type { RepoTree } from "../core/tree/repo-tree.js";
import type { BlobCache } from "./blob-cache.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** Blobs per GraphQL query: GitHub answers a hundred aliased objects well within its limits. */
const PER_QUERY = 100;
const OID = /^[0-9a-f]{40}$/;

interface GraphBlob {
  readonly isBinary?: boolean | null;
  readonly isTruncated?: boolean;
  readonly text?: string | null;
}

/**
 * Put the bytes of many small text files (certificates) in the blob cache with one GraphQL query
 * per hundred, instead of one `GET git/blobs` each: `loadBlobs` then finds them there. A binary or
 * truncated blob is left for `loadBlobs` to fetch on its own. Blobs already cached cost nothing.
 */
export async function prefetchTextBlobs(
  octokit: GitHubClient,
  repo: RepoRef,
  tree: RepoTree,
  paths: Iterable<string>,
  cache: BlobCache,
): Promise<void> {
  const repoKey = `${repo.owner}/${repo.repo}`;
  const missing = [
    ...new Set(
      [...paths]
        .map((path) => tree.get(path)?.oid)
        .filter(
          (oid): oid is string => oid !== undefined && OID.test(oid) && cache.get(repoKey, oid) === undefined,
        ),
    ),
  ];
  for (let start = 0; start < missing.length; start += PER_QUERY) {
    const oids = missing.slice(start, start + PER_QUERY);
    const fields = oids
      .map((oid, index) => `b${index}: object(oid: "${oid}") { ... on Blob { isBinary isTruncated text } }`)
      .join("\n    ");
    const response = await octokit.graphql<{ repository: Record<string, GraphBlob | null> }>(
      `query kawsBlobs($owner: String!, $repo: String!) {\n  repository(owner: $owner, name: $repo) {\n    ${fields}\n  }\n}`,
      { owner: repo.owner, repo: repo.repo },
    );
    oids.forEach((oid, index) => {
      const blob = response.repository[`b${index}`];
      if (!blob || blob.isBinary || blob.isTruncated || typeof blob.text !== "string") return;
      // only bytes that are exactly the blob (its git id says so): a text GitHub decoded lossily is not
      const bytes = new TextEncoder().encode(blob.text);
      if (gitBlobId(bytes) === oid) cache.set(repoKey, oid, bytes);
    });
  }
}

/** git's id of a blob: SHA-1 of "blob <size>\0" and the bytes. */
function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
