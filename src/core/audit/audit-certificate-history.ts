import { sha256Hex } from "../hash.js";
import { readCertificate, type Certificate } from "../pki/read-certificate.js";
import { certificateTrailers } from "../reconcile/issued-certificates.js";
import { normaliseSerial, type CertificateCommit } from "../report/certificate-approval.js";
import { classifyPath, clusterFile } from "../tree/classify-path.js";
import { sameBytes } from "../tree/repo-tree.js";

/** One admin certificate blob a commit wrote (added or changed) at a path. */
export interface CertificateWrite {
  readonly path: string;
  readonly blob: string;
  /** The blob at this path in the commit's only parent; null for a new file or a merge commit. */
  readonly previousBlob: string | null;
}

/** A commit of the history that wrote admin certificates or a cluster's `ca.pem`. */
export interface HistoryCommit {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly writes: readonly CertificateWrite[];
  /** Clusters whose `ca.pem` this commit changed (a rotation). */
  readonly caChanged: readonly string[];
}

export interface AuditInput {
  /** Every commit that touched `clusters/`, parents before children. */
  readonly commits: readonly HistoryCommit[];
  /** Author and message of each commit that wrote a certificate. */
  readonly messages: ReadonlyMap<string, CertificateCommit>;
  /** Bytes by blob id (a blob too large to be a certificate is absent). */
  readonly blobs: ReadonlyMap<string, Uint8Array>;
  /** The CSR beside each certificate in the commit that wrote it, by `<commit>:<csr path>`. */
  readonly csrs: ReadonlyMap<string, Uint8Array>;
}

/** How a certificate write is explained; null when it is not. */
export type Explanation = "trailer" | "rotation" | "restored";

export interface AuditedCertificate {
  readonly path: string;
  readonly blob: string;
  readonly commit: string;
  /** As git records it: self-declared by whoever made the commit. */
  readonly author: string;
  readonly subject: string;
  readonly serial: string | null;
  readonly explainedBy: Explanation | null;
  /** From the trailer (for "trailer"), else empty. */
  readonly approvers: readonly string[];
  readonly csrSha256: string | null;
  /** For "rotation" and "restored": the commit whose explained write this one stands on. */
  readonly basis: string | null;
  /** Why it is not explained; null when it is. */
  readonly reason: string | null;
}

export interface CertificateAudit {
  readonly ok: boolean;
  readonly certificates: readonly AuditedCertificate[];
}

interface Verdict {
  readonly explainedBy: Explanation | null;
  readonly approvers?: readonly string[];
  readonly csrSha256?: string;
  readonly basis?: string;
  readonly reason?: string;
}

/**
 * Prove that every admin certificate the history ever wrote came from the reconciler: its commit
 * carries a `Kaws-Certificate:` trailer for the same cluster, login and serial, whose CSR SHA-256
 * is that of the CSR beside the certificate in that commit, naming its approvers. A certificate a
 * rotation re-signed (same key, subject and validity as an explained one it replaces, in a commit
 * that changes the cluster's CA) and an explained certificate restored at its path are explained
 * by the write they stand on. Anything else — a direct push, a break-glass `kaws admin sign` — is
 * listed with the reason.
 */
export function auditCertificateHistory(input: AuditInput): CertificateAudit {
  // path → blob → the commit whose write of it was explained
  const explained = new Map<string, Map<string, string>>();
  const certificates: AuditedCertificate[] = [];
  for (const commit of input.commits) {
    for (const write of commit.writes) {
      const recorded = input.messages.get(commit.sha);
      const certificate = readCertificateBytes(input.blobs.get(write.blob));
      const verdict = judgeWrite({ input, commit, write, certificate, explained });
      if (verdict.explainedBy !== null) {
        if (!explained.has(write.path)) explained.set(write.path, new Map());
        explained.get(write.path)!.set(write.blob, commit.sha);
      }
      certificates.push({
        path: write.path,
        blob: write.blob,
        commit: commit.sha,
        author: recorded?.author ?? "",
        subject: (recorded?.message ?? "").split("\n", 1)[0]!,
        serial: certificate === null ? null : normaliseSerial(certificate.serialNumber),
        explainedBy: verdict.explainedBy,
        approvers: verdict.approvers ?? [],
        csrSha256: verdict.csrSha256 ?? null,
        basis: verdict.basis ?? null,
        reason: verdict.reason ?? null,
      });
    }
  }
  return { ok: certificates.every((c) => c.explainedBy !== null), certificates };
}

interface WriteContext {
  readonly input: AuditInput;
  readonly commit: HistoryCommit;
  readonly write: CertificateWrite;
  readonly certificate: Certificate | null;
  readonly explained: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

function judgeWrite(context: WriteContext): Verdict {
  const { write, certificate, explained } = context;
  const managed = classifyPath(write.path);
  if (managed?.kind !== "admin-cert")
    return { explainedBy: null, reason: "not a path the bot issues certificates to" };
  const restoredFrom = explained.get(write.path)?.get(write.blob);
  if (restoredFrom !== undefined) return { explainedBy: "restored", basis: restoredFrom };
  if (certificate === null) return { explainedBy: null, reason: "it is not a certificate that parses" };
  const byTrailer = trailerVerdict(context, managed.cluster, managed.login, certificate);
  if (byTrailer.explainedBy !== null) return byTrailer;
  const byRotation = rotationVerdict(context, managed.cluster, certificate);
  return byRotation ?? byTrailer;
}

function trailerVerdict(
  context: WriteContext,
  cluster: string,
  login: string,
  certificate: Certificate,
): Verdict {
  const { commit, input } = context;
  const message = input.messages.get(commit.sha)?.message ?? "";
  const trailers = certificateTrailers(message).filter((t) => t.cluster === cluster && t.login === login);
  const name = `${cluster}/${login}`;
  if (trailers.length === 0)
    return {
      explainedBy: null,
      reason: `its commit has no Kaws-Certificate trailer for ${name}: a direct push, a break-glass \`kaws admin sign\`, or a merge that wrote it`,
    };
  const serial = normaliseSerial(certificate.serialNumber);
  const trailer = trailers.find((t) => normaliseSerial(t.serial) === serial);
  if (trailer === undefined)
    return {
      explainedBy: null,
      reason: `its commit's Kaws-Certificate trailer for ${name} names serial ${trailers.map((t) => t.serial).join(", ")}, not the certificate's ${serial}`,
    };
  const csrPath = clusterFile.csr(cluster, login);
  const csr = input.csrs.get(`${commit.sha}:${csrPath}`);
  if (csr === undefined)
    return { explainedBy: null, reason: `its commit has no ${csrPath} beside it to match the trailer` };
  if (sha256Hex(csr) !== trailer.csrSha256)
    return {
      explainedBy: null,
      reason: `the trailer's csr-sha256 ${trailer.csrSha256} is not the SHA-256 of ${csrPath} in its commit (${sha256Hex(csr)})`,
    };
  if (trailer.approvers.length === 0)
    return {
      explainedBy: null,
      reason: `its commit's Kaws-Certificate trailer for ${name} names no approvers`,
    };
  return { explainedBy: "trailer", approvers: trailer.approvers, csrSha256: trailer.csrSha256 };
}

/**
 * A rotation signs each admin certificate again under the new CA, with its key, subject and
 * validity: no new access. It stands on the explained certificate it replaces.
 */
function rotationVerdict(context: WriteContext, cluster: string, certificate: Certificate): Verdict | null {
  const { commit, write, input, explained } = context;
  if (write.previousBlob === null || !commit.caChanged.includes(cluster)) return null;
  const basis = explained.get(write.path)?.get(write.previousBlob);
  const previous = readCertificateBytes(input.blobs.get(write.previousBlob));
  if (basis === undefined || previous === null) return null;
  const same =
    sameBytes(previous.spki, certificate.spki) &&
    previous.notBefore.getTime() === certificate.notBefore.getTime() &&
    previous.notAfter.getTime() === certificate.notAfter.getTime() &&
    previous.subject.commonNames.join("\n") === certificate.subject.commonNames.join("\n") &&
    previous.subject.organizations.join("\n") === certificate.subject.organizations.join("\n");
  return same ? { explainedBy: "rotation", basis } : null;
}

function readCertificateBytes(bytes: Uint8Array | undefined): Certificate | null {
  if (bytes === undefined) return null;
  const read = readCertificate(bytes);
  return read.ok ? read.certificate : null;
}
