import type * as openpgp from "openpgp";
import { parseClusterSpec } from "../config/cluster-spec.js";
import { encryptToRecipients } from "../openpgp/encrypt-to-recipients.js";
import { generateClusterPki } from "../pki/generate-cluster-pki.js";
import { issueClientCertificate } from "../pki/issue-client-certificate.js";
import { readCertificate } from "../pki/read-certificate.js";
import { readCsr } from "../pki/read-csr.js";
import { importSigningKey } from "../pki/signing-key.js";
import { CLUSTER_ROLES, classifyPath, clusterFile, pubkeyPath } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";

export interface RotationPlan {
  readonly files: { path: string; content: string }[];
  readonly reissued: string[];
  readonly skipped: { path: string; reason: string }[];
}

/**
 * Rotate a cluster's PKI: a new CA, master and node key (nothing old is decrypted), the keys
 * encrypted to the recipient set, and every admin's certificate signed again by the new CA, from the
 * CSR beside it and with the very validity it had — a rotation moves access to the new CA, it never
 * extends it (an expired certificate stays expired; renewing is a new key and CSR, approved) —
 * unless its owner has no key in pubkeys/ any more: a removed admin gets no new certificate from a
 * rotation. The result is a change to review, never a silent replacement.
 */
export async function planRotation(input: {
  tree: RepoTree;
  cluster: string;
  recipients: readonly openpgp.PublicKey[];
  adminCertDays: number;
  now: Date;
}): Promise<RotationPlan> {
  const { tree, cluster, now } = input;
  const specBytes = tree.get(clusterFile.spec(cluster))?.bytes;
  if (specBytes === undefined) throw new Error(`there is no cluster "${cluster}"`);
  const spec = parseClusterSpec(specBytes, clusterFile.spec(cluster));
  const pki = await generateClusterPki(cluster, spec, now);
  const files: { path: string; content: string }[] = [];
  for (const role of CLUSTER_ROLES) {
    files.push({ path: clusterFile.cert(cluster, role), content: pki.certificates[role] });
    files.push({
      path: clusterFile.key(cluster, role),
      content: await encryptToRecipients(pki.privateKeys[role], input.recipients, now),
    });
  }
  const caKey = await importSigningKey(pki.privateKeys.ca);
  for (const role of CLUSTER_ROLES) pki.privateKeys[role].fill(0);
  const ca = readCertificate(new TextEncoder().encode(pki.certificates.ca));
  if (!ca.ok) throw new Error(ca.detail);
  const reissued: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const path of tree.keys()) {
    const managed = classifyPath(path);
    if (managed?.kind !== "admin-cert" || managed.cluster !== cluster) continue;
    if (!tree.has(pubkeyPath(managed.login))) {
      skipped.push({
        path,
        reason: `${pubkeyPath(managed.login)} is missing: ${managed.login} is no longer an admin, so remove their CSR, signature and certificate`,
      });
      continue;
    }
    const csr = readCsr(tree.get(clusterFile.csr(cluster, managed.login))?.bytes ?? new Uint8Array());
    if (!csr.ok || !csr.facts.selfSignatureValid) {
      skipped.push({ path, reason: "its CSR is missing or invalid: the admin requests a new certificate" });
      continue;
    }
    const previous = readCertificate(tree.get(path)?.bytes ?? new Uint8Array());
    if (!previous.ok) {
      skipped.push({
        path,
        reason: "it cannot be read, so its validity cannot be kept: the admin requests a new one",
      });
      continue;
    }
    const issued = await issueClientCertificate({
      validity: { notBefore: previous.certificate.notBefore, notAfter: previous.certificate.notAfter },
      csr: csr.facts,
      login: managed.login,
      groups: csr.facts.organizations,
      ca: ca.certificate,
      caKey,
      days: input.adminCertDays,
      now,
    });
    files.push({ path, content: issued.pem });
    reissued.push(managed.login);
  }
  return { files, reissued: reissued.sort(), skipped };
}
