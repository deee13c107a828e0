import { error, warning, type Finding } from "../findings.js";
import { classifyPath, clusterFile, pubkeyPath } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";
import type { PathChange } from "./diff-trees.js";

/** What the reconciler will do when the change merges: shown as pending, never as an error. */
export type PendingAction =
  | { kind: "issue-certificate"; cluster: string; login: string }
  | { kind: "reencrypt"; path: string }
  | { kind: "generate-pki"; cluster: string }
  | { kind: "rotation-advised"; login: string };

/** A request PR may add or change only the author's own key and `admins/<author>.*` files. */
export function isRequestPath(change: PathChange, author: string): boolean {
  if (change.change === "removed") return false;
  const managed = classifyPath(change.path);
  if (managed === null) return false;
  if (managed.kind === "pubkey") return managed.login === author;
  if (
    managed.kind === "admin-csr" ||
    managed.kind === "admin-csr-signature" ||
    managed.kind === "admin-cert"
  ) {
    return managed.login === author;
  }
  return false;
}

/**
 * A renewal (`kaws admin renew`): the author removes their own `admins/<author>.pem` of a cluster
 * and, in the same change, replaces their own CSR and its signature there. It gives nothing the
 * old certificate did not (the new CSR is judged and approved like any request), and removing a
 * file revokes nothing. Anyone else's certificate, or one's own removed alone, stays privileged.
 */
export function isOwnRenewal(change: PathChange, author: string, changes: readonly PathChange[]): boolean {
  const managed = classifyPath(change.path);
  if (change.change !== "removed" || managed?.kind !== "admin-cert" || managed.login !== author) return false;
  const replaced = (path: string) => changes.some((c) => c.path === path && c.change !== "removed");
  return (
    replaced(clusterFile.csr(managed.cluster, author)) &&
    replaced(clusterFile.csrSignature(managed.cluster, author))
  );
}

/**
 * One warning per changed code file: kaws has no rule that can tell good code from bad, so a
 * change to what runs with the bot's key is approved by maintainers like a privileged change.
 */
export function codeChangeFindings(codeChanges: readonly PathChange[], author: string): Finding[] {
  return codeChanges.map((change) =>
    warning(
      "change.code",
      change.path,
      `${change.change} by ${author}: code that runs with the bot's key (which opens every cluster's private keys); a maintainer must review the code itself and approve`,
    ),
  );
}

/**
 * A key removed while its owner's CSR, signature or certificate stays anywhere under clusters/:
 * the CSR could no longer be verified on the default branch, and a rotation would re-issue the
 * certificate. Read from the listing alone; one error on each file that must go too.
 */
export function keysRemovedWithFiles(head: RepoTree, changes: readonly PathChange[]): Finding[] {
  const removed = new Set<string>();
  for (const change of changes) {
    const managed = classifyPath(change.path);
    if (change.change === "removed" && managed?.kind === "pubkey" && !head.has(change.path))
      removed.add(managed.login);
  }
  if (removed.size === 0) return [];
  const findings: Finding[] = [];
  for (const path of head.keys()) {
    const managed = classifyPath(path);
    if (
      (managed?.kind === "admin-csr" ||
        managed?.kind === "admin-csr-signature" ||
        managed?.kind === "admin-cert") &&
      removed.has(managed.login)
    ) {
      findings.push(
        error(
          "pubkey.removed-with-files",
          path,
          `${pubkeyPath(managed.login)} is removed by this change but ${managed.login}'s ${path} stays: remove all of ${managed.login}'s files under clusters/ in the same change (or keep the key), or the default branch is left broken`,
        ),
      );
    }
  }
  return findings;
}

/** True when the change alters the recipient set: an admin key or the bot's key. */
export function changesRecipients(changes: readonly PathChange[]): boolean {
  return changes.some((c) => c.path.startsWith("pubkeys/") || c.path === ".github/kaws-bot.asc");
}

/**
 * Every encrypted key file the merge will re-encrypt because the recipient set changed, found from
 * the listing alone (the bot does not need to read them): one pending action each, and one pending
 * warning on the change that causes them (not one on every untouched file).
 */
export function pendingReencryption(
  head: RepoTree,
  changes: readonly PathChange[],
): { findings: Finding[]; pending: PendingAction[] } {
  const changed = new Set(changes.map((c) => c.path));
  const pending: PendingAction[] = [];
  for (const path of head.keys()) {
    if (classifyPath(path)?.kind === "cluster-key" && !changed.has(path))
      pending.push({ kind: "reencrypt", path });
  }
  const cause = changes.find((c) => c.path.startsWith("pubkeys/") || c.path === ".github/kaws-bot.asc");
  if (pending.length === 0 || cause === undefined) return { findings: [], pending };
  const clusters = new Set(
    pending.map((action) => (action.kind === "reencrypt" ? action.path.split("/")[1] : "")),
  );
  return {
    findings: [
      warning(
        "key-file.recipients.pending",
        cause.path,
        `pending: when this merges, the bot re-encrypts ${pending.length} private key(s) of ${clusters.size} cluster(s) to the new set of admins`,
      ),
    ],
    pending,
  };
}

/**
 * Turn what the reconciler will fix at merge into pending warnings, and what the default branch
 * already owed into "unreconciled" warnings; keep tampering an error. Null drops a finding that a
 * pending warning replaces.
 */
export function reclassify(
  finding: Finding,
  changed: ReadonlyMap<string, string>,
  recipientsChange: boolean,
  pending: PendingAction[],
): Finding | null {
  if (finding.rule === "cluster.pki.missing") {
    if (!changed.has(finding.path))
      return warning(
        "cluster.pki.unreconciled",
        finding.path,
        `the default branch is not reconciled: ${finding.message}`,
      );
    pending.push({ kind: "generate-pki", cluster: finding.path.split("/")[1] as string });
    return warning(
      "cluster.pki.pending",
      finding.path,
      "pending: the bot generates this cluster's CA, master and node PKI when this merges",
    );
  }
  if (finding.rule === "key-file.recipients") {
    if (changed.has(finding.path)) {
      return error(
        finding.rule,
        finding.path,
        `${finding.message} (the file is changed by this pull request: the bot writes these files, nobody else)`,
      );
    }
    if (recipientsChange) return null; // pendingReencryption says it
    pending.push({ kind: "reencrypt", path: finding.path });
    return warning(
      "key-file.recipients.unreconciled",
      finding.path,
      `the default branch is not reconciled: ${finding.message}`,
    );
  }
  return finding;
}
