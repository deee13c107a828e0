import { classifyPath } from "../tree/classify-path.js";
import type { PathChange } from "./diff-trees.js";

/**
 * The logins a change gives something to: whose key (`pubkeys/<login>.asc`) or admin files
 * (`clusters/*\/admins/<login>.*`) it adds or changes. Nobody approves access for themselves,
 * whoever opened the pull request (DESIGN 4.1); removing someone's files gives them nothing.
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
      managed.kind === "admin-cert"
    )
      logins.add(managed.login);
  }
  return [...logins].sort();
}
