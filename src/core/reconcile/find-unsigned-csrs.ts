import { sha256Hex } from "../hash.js";
import { classifyPath, clusterFile } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";

/** A CSR on the branch that has no certificate beside it yet. */
export interface UnsignedCsr {
  readonly cluster: string;
  readonly login: string;
  readonly path: string;
  /** The git blob id, to compare with the blob a maintainer approved. */
  readonly oid?: string;
}

/** Every `admins/<login>.csr` on the branch without its `<login>.pem`: found from the listing alone. */
export function findUnsignedCsrs(tree: RepoTree): UnsignedCsr[] {
  const unsigned: UnsignedCsr[] = [];
  for (const [path, entry] of tree) {
    const managed = classifyPath(path);
    if (managed?.kind !== "admin-csr") continue;
    if (tree.has(clusterFile.adminCert(managed.cluster, managed.login))) continue;
    unsigned.push({ cluster: managed.cluster, login: managed.login, path, oid: entry.oid });
  }
  return unsigned.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The SHA-256 a commit trailer records for a CSR. */
export function csrDigest(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}
