import { isManagedPath } from "../tree/classify-path.js";
import { isCodePath } from "../tree/is-code-path.js";
import { sameEntry, type RepoTree } from "../tree/repo-tree.js";

export interface PathChange {
  readonly path: string;
  readonly change: "added" | "modified" | "removed";
}

/** The managed paths that differ between two trees, in path order. */
export function diffManagedPaths(base: RepoTree, head: RepoTree): PathChange[] {
  return diffPaths(base, head, isManagedPath);
}

/** The code paths (`isCodePath`) that differ between two trees: changes to what runs with the bot's key. */
export function diffCodePaths(base: RepoTree, head: RepoTree): PathChange[] {
  return diffPaths(base, head, isCodePath);
}

function diffPaths(base: RepoTree, head: RepoTree, selected: (path: string) => boolean): PathChange[] {
  const changes: PathChange[] = [];
  for (const [path, entry] of head) {
    if (!selected(path)) continue;
    const before = base.get(path);
    if (before === undefined) changes.push({ path, change: "added" });
    else if (!sameEntry(before, entry)) changes.push({ path, change: "modified" });
  }
  for (const path of base.keys()) {
    if (selected(path) && !head.has(path)) changes.push({ path, change: "removed" });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Files added or modified anywhere in the tree (not only managed ones): what a change brings in. */
export function addedOrModifiedPaths(base: RepoTree, head: RepoTree): string[] {
  const paths: string[] = [];
  for (const [path, entry] of head) if (!sameEntry(base.get(path), entry)) paths.push(path);
  return paths.sort();
}
