import { classifyPath, type ClusterRole, type ManagedPath } from "../tree/classify-path.js";
import type { RepoTree, TreeEntry } from "../tree/repo-tree.js";

/** Files above this size under managed folders are rejected before parsing (invariant 7). */
export const MAX_MANAGED_FILE_BYTES = 64 * 1024;
/**
 * An encrypted key file holds one session-key packet per recipient (about 540 armored bytes for
 * RSA-3072, 1.4 KiB for RSA-8192), so its bound grows with the admin keys: 3 KiB more per key.
 */
export const KEY_FILE_BYTES_PER_RECIPIENT = 3 * 1024;

/** The size bound of a managed file, given how many admin key files the tree has. */
export function maxManagedFileBytes(path: string, adminKeyCount: number): number {
  if (!path.endsWith("-key.pem.asc")) return MAX_MANAGED_FILE_BYTES;
  return MAX_MANAGED_FILE_BYTES + KEY_FILE_BYTES_PER_RECIPIENT * (adminKeyCount + 1);
}

/** How many `pubkeys/*.asc` files a tree has (each itself bounded), for the key-file size bound. */
export function countAdminKeyFiles(tree: RepoTree): number {
  let count = 0;
  for (const path of tree.keys()) if (path.startsWith("pubkeys/") && path.endsWith(".asc")) count++;
  return count;
}

export interface AdminFiles {
  csr?: TreeEntry;
  signature?: TreeEntry;
  certificate?: TreeEntry;
}

export interface ClusterFiles {
  readonly name: string;
  spec?: TreeEntry;
  readonly certificates: Partial<Record<ClusterRole, TreeEntry>>;
  readonly keys: Partial<Record<ClusterRole, TreeEntry>>;
  readonly admins: Map<string, AdminFiles>;
}

/** The managed part of a tree, grouped by what each file is. Oversized or non-regular files are left out of parsing. */
export interface RepoModel {
  readonly tree: RepoTree;
  readonly pubkeys: Map<string, TreeEntry>;
  botKey?: TreeEntry;
  config?: TreeEntry;
  readonly clusters: Map<string, ClusterFiles>;
  /** Managed entries that were not parsed: their own findings say why. */
  readonly skipped: Set<string>;
}

/**
 * Whether a file's bytes were loaded. The bot loads only what a change can affect: a file that is
 * listed but not loaded is present (presence rules see it) and its content rules are skipped.
 */
export function isLoaded(entry: TreeEntry | undefined): entry is TreeEntry & { bytes: Uint8Array } {
  return entry?.bytes !== undefined;
}

export function isParseable(entry: TreeEntry, adminKeyCount: number): boolean {
  return (
    entry.mode === "100644" &&
    entry.size <= maxManagedFileBytes(entry.path, adminKeyCount) &&
    !entry.badPathEncoding
  );
}

export function buildRepoModel(tree: RepoTree): RepoModel {
  const model: RepoModel = { tree, pubkeys: new Map(), clusters: new Map(), skipped: new Set() };
  const adminKeyCount = countAdminKeyFiles(tree);
  for (const entry of tree.values()) {
    const managed = classifyPath(entry.path);
    if (managed === null || managed.kind === "unexpected" || managed.kind === "readme") continue;
    if (!isParseable(entry, adminKeyCount)) {
      model.skipped.add(entry.path);
      continue;
    }
    place(model, managed, entry);
  }
  return model;
}

function place(
  model: RepoModel,
  managed: Exclude<ManagedPath, { kind: "unexpected" | "readme" }>,
  entry: TreeEntry,
): void {
  switch (managed.kind) {
    case "pubkey":
      model.pubkeys.set(managed.login, entry);
      return;
    case "config":
      model.config = entry;
      return;
    case "bot-key":
      model.botKey = entry;
      return;
  }
  const cluster = clusterOf(model, managed.cluster);
  switch (managed.kind) {
    case "cluster-spec":
      cluster.spec = entry;
      return;
    case "cluster-cert":
      cluster.certificates[managed.role] = entry;
      return;
    case "cluster-key":
      cluster.keys[managed.role] = entry;
      return;
  }
  const admin = cluster.admins.get(managed.login) ?? {};
  cluster.admins.set(managed.login, admin);
  if (managed.kind === "admin-csr") admin.csr = entry;
  else if (managed.kind === "admin-csr-signature") admin.signature = entry;
  else admin.certificate = entry;
}

function clusterOf(model: RepoModel, name: string): ClusterFiles {
  let cluster = model.clusters.get(name);
  if (cluster === undefined) {
    cluster = { name, certificates: {}, keys: {}, admins: new Map() };
    model.clusters.set(name, cluster);
  }
  return cluster;
}
