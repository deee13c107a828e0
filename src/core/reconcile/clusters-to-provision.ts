import { classifyPath } from "../tree/classify-path.js";
import { sameEntry, type RepoTree } from "../tree/repo-tree.js";

/**
 * Clusters whose machines must be brought in line: their cluster.yml or their PKI (a new CA,
 * master or node certificate means new keys too) changed between two commits. A key file merely
 * re-encrypted holds the same key, and admin certificates do not touch the machines.
 */
export function clustersToProvision(before: RepoTree, after: RepoTree): string[] {
  const clusters = new Set<string>();
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    const managed = classifyPath(path);
    const affects = managed?.kind === "cluster-spec" || managed?.kind === "cluster-cert";
    if (affects && !sameEntry(before.get(path), after.get(path))) clusters.add(path.split("/")[1] as string);
  }
  return [...clusters].sort();
}
