import { BOT_KEY_PATH, classifyPath, clusterFile } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";
import type { PathChange } from "./diff-trees.js";

/**
 * The head files whose bytes the evaluation of a change needs: the changed files and the files their
 * rules compare them with. Everything else is judged present from the listing alone, so the work
 * (and the GitHub API calls) follow what the change touches, not the size of the repository.
 */
/** Changed files of any kind are read for the private-key scan, within these bounds. */
export const SCAN_MAX_FILES = 100;
export const SCAN_MAX_BYTES = 1024 * 1024;

export function pathsToLoad(changes: readonly PathChange[], head: RepoTree): Set<string> {
  const wanted = new Set<string>();
  const add = (path: string) => {
    if (head.has(path)) wanted.add(path);
  };
  const adminFiles = (cluster: string, login: string) => {
    add(clusterFile.csr(cluster, login));
    add(clusterFile.csrSignature(cluster, login));
    add(clusterFile.adminCert(cluster, login));
    add(clusterFile.cert(cluster, "ca"));
  };
  const clusters = new Set<string>();
  for (const path of head.keys())
    if (path.startsWith("clusters/")) clusters.add(path.split("/")[1] as string);
  let allKeys = false;

  for (const change of changes) {
    if (change.change !== "removed") add(change.path);
    const managed = classifyPath(change.path);
    switch (managed?.kind) {
      case "pubkey":
        allKeys = true; // fingerprints must stay unique across files
        for (const cluster of clusters) adminFiles(cluster, managed.login);
        break;
      case "admin-csr":
      case "admin-csr-signature":
      case "admin-cert":
        adminFiles(managed.cluster, managed.login);
        add(`pubkeys/${managed.login}.asc`);
        break;
      case "cluster-spec":
        add(clusterFile.cert(managed.cluster, "master"));
        break;
      case "cluster-cert":
        for (const path of head.keys())
          if (path.startsWith(`clusters/${managed.cluster}/`) && /\.(pem|csr)$/.test(path)) add(path);
        break;
      case "cluster-key":
      case "bot-key":
        allKeys = true; // recipients are checked against every admin key and the bot's
        break;
    }
  }
  if (allKeys) {
    for (const path of head.keys()) if (classifyPath(path)?.kind === "pubkey") add(path);
    add(BOT_KEY_PATH);
  }
  return wanted;
}

/**
 * Changed files outside the managed folders that the private-key scan reads (invariant 2 holds for
 * the whole repository), and those it had to leave out.
 */
export function pathsToScan(
  changedPaths: readonly string[],
  head: RepoTree,
): { scan: string[]; skipped: string[] } {
  const candidates = changedPaths.filter((path) => {
    const entry = head.get(path);
    return entry !== undefined && entry.mode !== "160000" && entry.mode !== "120000";
  });
  const scan = candidates
    .filter((path) => (head.get(path)?.size ?? 0) <= SCAN_MAX_BYTES)
    .slice(0, SCAN_MAX_FILES);
  return { scan, skipped: candidates.filter((path) => !scan.includes(path)) };
}
