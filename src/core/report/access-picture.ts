import { DEFAULT_CONFIG, parseKawsConfig } from "../config/kaws-config.js";
import { KawsInputError } from "../findings.js";
import { sha256Hex } from "../hash.js";
import { describePublicKey } from "../pki/describe-public-key.js";
import { readCertificate, type Certificate } from "../pki/read-certificate.js";
import { readCsr, type CsrFacts } from "../pki/read-csr.js";
import { buildRepoModel, type ClusterFiles, type RepoModel } from "../policy/repo-model.js";
import { CLUSTER_ROLES, classifyPath, type ClusterRole } from "../tree/classify-path.js";
import type { RepoTree, TreeEntry } from "../tree/repo-tree.js";
import { adminKeySummary, type AdminKeySummary } from "./admin-key-summary.js";
import {
  certificateApproval,
  type CertificateApproval,
  type CertificateCommit,
} from "./certificate-approval.js";
import { certificateValidity, type CertificateValidity } from "./certificate-validity.js";

export type { AdminKeySummary, CertificateApproval, CertificateCommit, CertificateValidity };

/** CA, master and node certificates are flagged 60 days ahead (DESIGN 4.3: time to rotate). */
export const CLUSTER_WARN_DAYS = 60;

/** One admin who holds a certificate on a cluster. */
export interface AdminAccess {
  readonly login: string;
  /** Kubernetes groups: the certificate's O values. */
  readonly groups: readonly string[];
  /** `pubkeys/<login>.asc`; null when the login has no key there any more (a removed admin). */
  readonly key: AdminKeySummary | null;
  readonly certificate: CertificateValidity & {
    readonly path: string;
    readonly fingerprintSha256: string;
    readonly keyAlgorithm: string;
  };
  /** From the trailer of the commit that added the certificate; null when unknown. */
  readonly approval: CertificateApproval | null;
}

/** A CSR without its certificate: a request waiting for approval or for the reconciler. */
export interface PendingRequest {
  readonly login: string;
  readonly groups: readonly string[];
  readonly key: AdminKeySummary | null;
  readonly path: string;
  readonly csrSha256: string;
  readonly keyAlgorithm: string;
}

export interface ClusterCertificate extends CertificateValidity {
  readonly role: ClusterRole;
  readonly path: string;
}

export interface ClusterAccess {
  readonly name: string;
  readonly certificates: readonly ClusterCertificate[];
  readonly admins: readonly AdminAccess[];
  readonly pending: readonly PendingRequest[];
}

/** Who can reach which cluster, with which groups, until when, approved by whom. */
export interface AccessPicture {
  readonly version: 1;
  readonly generatedAt: string;
  /** The commit the tree was read from; null for a working tree. */
  readonly commit: string | null;
  /** Days ahead of expiry that a certificate counts as expiring. */
  readonly warnDays: { readonly admin: number; readonly cluster: number };
  readonly clusters: readonly ClusterAccess[];
}

export interface AccessPictureInput {
  readonly tree: RepoTree;
  readonly now: Date;
  readonly commit: string | null;
  /** For each admin certificate's path, the commit that last added it. */
  readonly addedBy: ReadonlyMap<string, CertificateCommit>;
}

/**
 * The access picture of a tree. A file the report needs that does not parse stops it with a
 * KawsInputError naming the file: `kaws verify` says what is wrong with it.
 */
export async function buildAccessPicture(input: AccessPictureInput): Promise<AccessPicture> {
  const model = buildRepoModel(input.tree);
  refuseSkipped(model);
  const warnDays = { admin: adminWarnDays(model.config), cluster: CLUSTER_WARN_DAYS };
  const keys = new Map<string, AdminKeySummary>();
  for (const [login, entry] of [...model.pubkeys].sort(([a], [b]) => compare(a, b)))
    keys.set(login, await adminKeySummary(bytesOf(entry), entry.path));
  const context: ClusterContext = { ...input, warnDays, keys };
  const clusters = [...model.clusters.values()]
    .sort((a, b) => compare(a.name, b.name))
    .map((cluster) => clusterAccess(cluster, context));
  return { version: 1, generatedAt: input.now.toISOString(), commit: input.commit, warnDays, clusters };
}

interface ClusterContext extends AccessPictureInput {
  readonly warnDays: AccessPicture["warnDays"];
  readonly keys: ReadonlyMap<string, AdminKeySummary>;
}

function clusterAccess(cluster: ClusterFiles, context: ClusterContext): ClusterAccess {
  const certificates = CLUSTER_ROLES.flatMap((role): ClusterCertificate[] => {
    const entry = cluster.certificates[role];
    if (entry === undefined) return [];
    const certificate = certificateAt(entry);
    return [
      { role, path: entry.path, ...certificateValidity(certificate, context.now, context.warnDays.cluster) },
    ];
  });
  const admins: AdminAccess[] = [];
  const pending: PendingRequest[] = [];
  for (const [login, files] of [...cluster.admins].sort(([a], [b]) => compare(a, b))) {
    if (files.certificate !== undefined)
      admins.push(adminAccess(cluster.name, login, files.certificate, context));
    else if (files.csr !== undefined) pending.push(pendingRequest(login, files.csr, context));
  }
  return { name: cluster.name, certificates, admins, pending };
}

function adminAccess(cluster: string, login: string, entry: TreeEntry, context: ClusterContext): AdminAccess {
  const certificate = certificateAt(entry);
  const validity = certificateValidity(certificate, context.now, context.warnDays.admin);
  return {
    login,
    groups: certificate.subject.organizations,
    key: context.keys.get(login) ?? null,
    certificate: {
      path: entry.path,
      ...validity,
      fingerprintSha256: certificate.fingerprintSha256,
      keyAlgorithm: describePublicKey(certificate.spki).description,
    },
    approval: certificateApproval(context.addedBy.get(entry.path), {
      cluster,
      login,
      serial: validity.serial,
    }),
  };
}

function pendingRequest(login: string, entry: TreeEntry, context: ClusterContext): PendingRequest {
  const bytes = bytesOf(entry);
  const csr = csrAt(entry, bytes);
  return {
    login,
    groups: csr.organizations,
    key: context.keys.get(login) ?? null,
    path: entry.path,
    csrSha256: sha256Hex(bytes),
    keyAlgorithm: csr.publicKey.description,
  };
}

function certificateAt(entry: TreeEntry): Certificate {
  const read = readCertificate(bytesOf(entry));
  if (!read.ok) throw unreadable(entry.path, read.detail);
  return read.certificate;
}

function csrAt(entry: TreeEntry, bytes: Uint8Array): CsrFacts {
  const read = readCsr(bytes);
  if (!read.ok) throw unreadable(entry.path, read.detail);
  return read.facts;
}

/** The config's `renew_before_days` (its default when unset); a config that does not parse stops the report. */
function adminWarnDays(config: TreeEntry | undefined): number {
  if (config === undefined) return DEFAULT_CONFIG.renew_before_days;
  return parseKawsConfig(bytesOf(config), config.path).renew_before_days;
}

/** A file the report reads that is too large, or not a regular file, is refused by name. */
function refuseSkipped(model: RepoModel): void {
  for (const path of [...model.skipped].sort(compare)) {
    const kind = classifyPath(path)?.kind;
    if (
      kind === "pubkey" ||
      kind === "config" ||
      kind === "cluster-cert" ||
      kind === "admin-cert" ||
      kind === "admin-csr"
    )
      throw unreadable(path, "not a regular file within the size limit");
  }
}

function bytesOf(entry: TreeEntry): Uint8Array {
  if (entry.bytes === undefined) throw unreadable(entry.path, "its content was not read");
  return entry.bytes;
}

function unreadable(path: string, detail: string): KawsInputError {
  return new KawsInputError("report.unreadable", path, `${path}: ${detail}; run \`kaws verify\``);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
