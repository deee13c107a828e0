import { BOT_KEY_PATH, CONFIG_PATH } from "../core/tree/classify-path.js";
import { createRepoTree, type RepoTree, type TreeEntry } from "../core/tree/repo-tree.js";
import type { BlobCache } from "./blob-cache.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import { loadBlobs } from "./load-blobs.js";

const QUERY = `query kawsAuthority($owner: String!, $repo: String!, $pubkeys: String!, $config: String!, $bot: String!) {
  repository(owner: $owner, name: $repo) {
    pubkeys: object(expression: $pubkeys) { ... on Tree { entries { name mode oid object { ... on Blob { byteSize isBinary isTruncated text } } } } }
    config: object(expression: $config) { ... on Blob { oid byteSize isBinary isTruncated text } }
    bot: object(expression: $bot) { ... on Blob { oid byteSize isBinary isTruncated text } }
  }
}`;

interface GraphBlob {
  oid?: string;
  byteSize?: number;
  isBinary?: boolean | null;
  isTruncated?: boolean;
  text?: string | null;
}
interface AuthorityResponse {
  repository: {
    pubkeys: { entries?: { name: string; mode: number; oid: string; object: GraphBlob | null }[] } | null;
    config: GraphBlob | null;
    bot: GraphBlob | null;
  };
}

/**
 * What the default branch says about authority — `pubkeys/`, `.github/kaws.yml` and the bot's key —
 * in one GraphQL query, however many admins there are. Binary or truncated blobs (rare: a binary
 * key) are fetched one by one.
 */
export async function fetchAuthorityTree(
  octokit: GitHubClient,
  repo: RepoRef,
  commit: string,
  cache: BlobCache,
): Promise<RepoTree> {
  const response = await octokit.graphql<AuthorityResponse>(QUERY, {
    owner: repo.owner,
    repo: repo.repo,
    pubkeys: `${commit}:pubkeys`,
    config: `${commit}:${CONFIG_PATH}`,
    bot: `${commit}:${BOT_KEY_PATH}`,
  });
  const repoKey = `${repo.owner}/${repo.repo}`;
  const entries: TreeEntry[] = [];
  const needRest: string[] = [];
  const add = (path: string, mode: number, oid: string, blob: GraphBlob) => {
    const complete = !blob.isBinary && !blob.isTruncated && typeof blob.text === "string";
    if (complete) cache.set(repoKey, oid, new TextEncoder().encode(blob.text as string));
    else needRest.push(path);
    entries.push({ path, mode: mode.toString(8).padStart(6, "0"), size: blob.byteSize ?? 0, oid });
  };
  for (const entry of response.repository.pubkeys?.entries ?? []) {
    if (entry.object !== null && entry.object.byteSize !== undefined)
      add(`pubkeys/${entry.name}`, entry.mode, entry.oid, entry.object);
    else
      entries.push({
        path: `pubkeys/${entry.name}`,
        mode: entry.mode.toString(8).padStart(6, "0"),
        size: 0,
        oid: entry.oid,
      });
  }
  const { config, bot } = response.repository;
  if (config?.oid) add(CONFIG_PATH, 0o100644, config.oid, config);
  if (bot?.oid) add(BOT_KEY_PATH, 0o100644, bot.oid, bot);
  const listing = createRepoTree(entries);
  return loadBlobs(octokit, repo, listing, [...listing.keys()], cache);
}
