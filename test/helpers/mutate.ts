import { createRepoTree, type RepoTree, type TreeEntry } from "../../src/core/tree/repo-tree.js";
import type { Files } from "./build-repo.js";
import { treeFromFiles } from "../../src/core/tree/repo-tree.js";

/** A tree from the built files with some replaced, added or removed. */
export function withFiles(files: Files, changes: Files = {}, remove: string[] = []): RepoTree {
  const next: Files = { ...files, ...changes };
  for (const path of remove) delete next[path];
  return treeFromFiles(next);
}

/** A tree with one raw entry (odd mode, odd name) added. */
export function withEntry(tree: RepoTree, entry: TreeEntry): RepoTree {
  return createRepoTree([...tree.values(), entry]);
}

export function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}
