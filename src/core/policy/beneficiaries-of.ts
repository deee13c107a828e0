import { classifyPath } from "../tree/classify-path.js";
import type { PathChange } from "./diff-trees.js";

/**
 * The logins a change gives something to: whose key (`pubkeys/<login>.asc`) or CSR and signature
 * (`clusters/*\/admins/<login>.csr*`) it adds or changes, or whose certificate it adds. Nobody
 * approves access for themselves, whoever opened the pull request (DESIGN 4.1); removing someone's
 * files gives them nothing. A certificate merely replaced (a rotation re-issues every admin's from
 * the same CSR under the new CA) gives no new access: counting it would leave no maintainer who is
 * also an admin able to approve a rotation.
 */
export function beneficiariesOf(changes: readonly PathChange[]): string[] {
  const logins = new Set<string>();
  for (const change of changes) {
    if (change.change === "removed") continue;
    const managed = classifyPath(change.path);
    if (managed === null) continue;
    if (
      managed.kind === "pubkey" ||
      managed.kind === "admin-csr" ||
      managed.kind === "admin-csr-signature" ||
      (managed.kind === "admin-cert" && change.change === "added")
    )
      logins.add(managed.login);
  }
  return [...logins].sort();
}
