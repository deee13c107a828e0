import { readCertificate } from "../core/pki/read-certificate.js";
import { allKeyIds } from "../core/openpgp/public-key-facts.js";
import type { FormerRecipient } from "../core/reconcile/plan-key-files.js";
import { classifyPath, clusterFile } from "../core/tree/classify-path.js";
import type { RepoTree } from "../core/tree/repo-tree.js";
import { fetchAuthorityTree } from "../github/fetch-authority-tree.js";
import { fetchTreeListing } from "../github/fetch-tree-listing.js";
import type { RepoRef } from "../github/github-client.js";
import { loadBlobs } from "../github/load-blobs.js";
import { buildRepoModel } from "../core/policy/repo-model.js";
import type { EvaluationDeps } from "./evaluate-pull-request.js";
import { readPublicKey } from "../core/openpgp/read-public-key.js";

/**
 * Who the former recipients were (their login and fingerprint from the previous commit's
 * `pubkeys/`), which clusters' keys they could read, and the certificates they held before the
 * change that are still valid (deleted ones too: a deleted file revokes nothing): the rotation
 * issue re-encryption alone cannot replace.
 */
export async function describeFormerAdmins(
  deps: EvaluationDeps,
  repo: RepoRef,
  before: string | undefined,
  tree: RepoTree,
  former: readonly FormerRecipient[],
  now: Date,
): Promise<{ topic: string; title: string; body: string }[]> {
  const previous = new Map<string, { login: string; fingerprint: string }>();
  if (before !== undefined) {
    const authority = await fetchAuthorityTree(deps.octokit, repo, before, deps.cache);
    for (const [login, entry] of buildRepoModel(authority).pubkeys) {
      const read = entry.bytes ? await readPublicKey(entry.bytes) : null;
      if (read?.ok)
        for (const id of allKeyIds(read.key))
          previous.set(id, { login, fingerprint: read.key.getFingerprint().toUpperCase() });
    }
  }
  const byPerson = new Map<
    string,
    { login: string | null; fingerprint: string | null; keyIds: string[]; clusters: Set<string> }
  >();
  for (const item of former) {
    const owner = previous.get(item.keyId);
    const topic = owner?.login ?? item.keyId;
    const person = byPerson.get(topic) ?? {
      login: owner?.login ?? null,
      fingerprint: owner?.fingerprint ?? null,
      keyIds: [],
      clusters: new Set<string>(),
    };
    person.keyIds.push(item.keyId.toUpperCase());
    for (const cluster of item.clusters) person.clusters.add(cluster);
    byPerson.set(topic, person);
  }
  // what they held before the change: a removal that also deletes their certificate revokes nothing
  const held = before === undefined ? tree : await fetchTreeListing(deps.octokit, repo, before);
  const certificatesOf = async (login: string) => {
    const paths = [...new Set([...held.keys(), ...tree.keys()])].filter((path) => {
      const managed = classifyPath(path);
      return managed?.kind === "admin-cert" && managed.login === login;
    });
    const [then, still] = await Promise.all([
      loadBlobs(
        deps.octokit,
        repo,
        held,
        paths.filter((path) => held.has(path)),
        deps.cache,
      ),
      loadBlobs(
        deps.octokit,
        repo,
        tree,
        paths.filter((path) => tree.has(path)),
        deps.cache,
      ),
    ]);
    return paths.flatMap((path) => {
      const bytes = still.get(path)?.bytes ?? then.get(path)?.bytes ?? new Uint8Array();
      const read = readCertificate(bytes);
      if (!read.ok || read.certificate.notAfter <= now) return [];
      const until = `valid until ${read.certificate.notAfter.toISOString().slice(0, 10)}`;
      return [
        tree.has(path)
          ? `\`${path}\`, ${until}`
          : `\`${path}\`, ${until} — deleted from the branch, which revokes nothing: a copy still works until then`,
      ];
    });
  };
  const described: { topic: string; title: string; body: string }[] = [];
  for (const [topic, person] of byPerson) {
    const who = person.login
      ? `@${person.login} (key \`${person.fingerprint}\`)`
      : `the holder of key ID ${person.keyIds.join(", ")}`;
    const clusters = [...person.clusters].sort();
    const certificates = person.login ? await certificatesOf(person.login) : [];
    const body = [
      `${who} is no longer a recipient: the bot re-encrypted the cluster keys without them.`,
      "",
      "**Re-encryption is not revocation.** They could decrypt, and may have kept, the private keys of:",
      ...clusters.map(
        (c) =>
          `- **${c}**: \`${clusterFile.key(c, "ca")}\`, \`${clusterFile.key(c, "master")}\`, \`${clusterFile.key(c, "node")}\``,
      ),
      "",
      certificates.length > 0
        ? "Their certificates still valid:"
        : "No certificate they held is still valid.",
      ...certificates.map((c) => `- ${c}`),
      "",
      `To close the gap, a maintainer rotates each cluster: ${clusters.map((c) => `\`/kaws rotate ${c}\``).join(", ")}.`,
    ].join("\n");
    described.push({
      topic,
      title: `kaws: ${person.login ?? topic} was removed — rotate ${clusters.join(", ")}`,
      body,
    });
  }
  return described;
}
