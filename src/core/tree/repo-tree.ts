import type { SecretBlock } from "../openpgp/find-secret-material.js";

/** Git file modes that matter to the rules. Only regular blobs are allowed in managed folders. */
export const GIT_MODE = {
  file: "100644",
  executable: "100755",
  symlink: "120000",
  submodule: "160000",
  /** Not a git mode: a socket, FIFO or device found on disk, listed but never opened. */
  special: "000000",
} as const;

/** One file of a repository at some commit (or in a working tree): its path, git mode and bytes. */
export interface TreeEntry {
  readonly path: string;
  readonly mode: string;
  /** The blob's bytes; absent for submodules and for blobs the caller chose not to load. */
  readonly bytes?: Uint8Array;
  /** The blob's size in bytes, known even when its bytes were not loaded. */
  readonly size: number;
  /** The git blob id, when known: equal ids mean equal bytes without reading them. */
  readonly oid?: string;
  /** True when the path's raw bytes were not valid UTF-8 (the path holds a lossy decoding). */
  readonly badPathEncoding?: boolean;
  /**
   * For a file read but not kept (not managed: a reader of a big repository keeps only what the
   * rules read), the private keys found in it as it was read.
   */
  readonly secrets?: readonly SecretBlock[];
}

/** A repository snapshot: path → entry. Paths use "/" and have no leading slash. */
export type RepoTree = ReadonlyMap<string, TreeEntry>;

export function createRepoTree(entries: Iterable<TreeEntry>): RepoTree {
  const tree = new Map<string, TreeEntry>();
  for (const entry of entries) tree.set(entry.path, entry);
  return tree;
}

/** A tree built from text or bytes, every file a regular blob: handy for callers that make trees in memory. */
export function treeFromFiles(files: Record<string, string | Uint8Array>): RepoTree {
  return createRepoTree(
    Object.entries(files).map(([path, content]) => {
      const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
      return { path, mode: GIT_MODE.file, bytes, size: bytes.length };
    }),
  );
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when two entries hold the same content and mode (by blob id when both have one, else by bytes). */
export function sameEntry(a: TreeEntry | undefined, b: TreeEntry | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.mode !== b.mode) return false;
  if (a.oid !== undefined && b.oid !== undefined) return a.oid === b.oid;
  return a.size === b.size && sameBytes(a.bytes, b.bytes);
}
