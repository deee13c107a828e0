import type * as openpgp from "openpgp";
import { parseClusterSpec } from "../config/cluster-spec.js";
import { encryptToRecipients } from "../openpgp/encrypt-to-recipients.js";
import { isHiddenRecipient, listRecipientKeyIds } from "../openpgp/list-recipient-key-ids.js";
import { generateClusterPki } from "../pki/generate-cluster-pki.js";
import { compareRecipients, type RecipientSet } from "../policy/recipient-set.js";
import { CLUSTER_ROLES, classifyPath, clusterFile } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";

export interface KeyFileWrite {
  readonly path: string;
  readonly content: string;
  readonly reason: "reencrypted" | "generated";
  readonly cluster: string;
}

/** Key IDs found on key files that belong to nobody in the recipient set: removed admins (or strangers). */
export interface FormerRecipient {
  readonly keyId: string;
  readonly clusters: string[];
}

/**
 * The key files the reconciler owes: every `*-key.pem.asc` whose recipients are not exactly the
 * recipient set, decrypted with the bot's key and encrypted again with a fresh session key (files
 * already right are left alone); and the whole PKI of a cluster whose cluster.yml has none. The
 * clear keys live in memory only, for this call.
 */
export async function planKeyFiles(input: {
  tree: RepoTree;
  recipients: RecipientSet;
  /** Opens a key file: the bot's key in the bot, the operator's own gpg in the CLI. */
  open: (message: Uint8Array) => Promise<Uint8Array>;
  now: Date;
  /** Only these clusters (all when absent). */
  clusters?: ReadonlySet<string>;
}): Promise<{
  writes: KeyFileWrite[];
  certificates: { path: string; content: string; cluster: string }[];
  former: FormerRecipient[];
  problems: { path: string; reason: string }[];
}> {
  const { tree, recipients, now } = input;
  const wanted = (cluster: string) => input.clusters === undefined || input.clusters.has(cluster);
  const keys = recipients.keys.map((known) => known.key as openpgp.PublicKey);
  const writes: KeyFileWrite[] = [];
  const certificates: { path: string; content: string; cluster: string }[] = [];
  const problems: { path: string; reason: string }[] = [];
  const former = new Map<string, Set<string>>();

  for (const [path, entry] of tree) {
    const managed = classifyPath(path);
    if (managed?.kind !== "cluster-key" || entry.bytes === undefined || !wanted(managed.cluster)) continue;
    const listed = await listRecipientKeyIds(entry.bytes);
    if (!listed.ok) {
      problems.push({ path, reason: `not an encrypted OpenPGP message (${listed.detail})` });
      continue;
    }
    const { extra, missing } = compareRecipients(recipients, listed.keyIds);
    for (const id of extra)
      if (!isHiddenRecipient(id)) former.set(id, (former.get(id) ?? new Set()).add(managed.cluster));
    const exact = extra.length === 0 && listed.passwordRecipients === 0 && missing.length === 0;
    if (exact) continue;
    let clear: Uint8Array;
    try {
      clear = await input.open(entry.bytes);
    } catch (cause) {
      problems.push({
        path,
        reason: `it cannot be opened with the key at hand (${(cause as Error).message}): is it encrypted to it?`,
      });
      continue;
    }
    writes.push({
      path,
      content: await encryptToRecipients(clear, keys, now),
      reason: "reencrypted",
      cluster: managed.cluster,
    });
    clear.fill(0);
  }

  for (const [path, entry] of tree) {
    const managed = classifyPath(path);
    if (managed?.kind !== "cluster-spec" || entry.bytes === undefined || !wanted(managed.cluster)) continue;
    const cluster = managed.cluster;
    const hasPki = CLUSTER_ROLES.some(
      (role) => tree.has(clusterFile.cert(cluster, role)) || tree.has(clusterFile.key(cluster, role)),
    );
    if (hasPki) continue;
    let spec;
    try {
      spec = parseClusterSpec(entry.bytes, path);
    } catch (cause) {
      problems.push({ path, reason: (cause as Error).message });
      continue;
    }
    const pki = await generateClusterPki(cluster, spec, now);
    for (const role of CLUSTER_ROLES) {
      certificates.push({ path: clusterFile.cert(cluster, role), content: pki.certificates[role], cluster });
      writes.push({
        path: clusterFile.key(cluster, role),
        content: await encryptToRecipients(pki.privateKeys[role], keys, now),
        reason: "generated",
        cluster,
      });
      pki.privateKeys[role].fill(0);
    }
  }
  return {
    writes,
    certificates,
    former: [...former].map(([keyId, clusters]) => ({ keyId, clusters: [...clusters].sort() })),
    problems,
  };
}
