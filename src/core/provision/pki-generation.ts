import { sha256Hex } from "../hash.js";
import { clusterFile } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";
import type { MachineRole } from "./ingress-rule.js";

/** The PKI file a role's machines carry: masters the API server's, nodes the shared client one. */
export const ROLE_PKI = { masters: "master", nodes: "node" } as const;

/**
 * The PKI generation of a role: a short digest of the CA and role certificates. A rotation or a
 * re-issued certificate changes it; re-encrypting the key files (same keys) does not. The bastion
 * carries no PKI: null. Undefined when the repository has no PKI for the cluster yet.
 */
export function pkiGeneration(tree: RepoTree, cluster: string, role: MachineRole): string | null | undefined {
  if (role === "bastion") return null;
  const ca = tree.get(clusterFile.cert(cluster, "ca"))?.bytes;
  const own = tree.get(clusterFile.cert(cluster, ROLE_PKI[role]))?.bytes;
  if (ca === undefined || own === undefined) return undefined;
  return sha256Hex(Buffer.concat([ca, new Uint8Array(1), own])).slice(0, 16);
}
