import type { KawsConfig } from "../config/kaws-config.js";
import type { Finding } from "../findings.js";
import { sha256Hex } from "../hash.js";
import { CLUSTER_ROLES } from "../tree/classify-path.js";
import type { RecipientSet } from "./recipient-set.js";
import { isLoaded, type ClusterFiles } from "./repo-model.js";
import { checkAdminCertificate } from "./rules/admin-cert-rules.js";
import { checkCluster } from "./rules/cluster-rules.js";
import { checkCsr, type SignerKeys } from "./rules/csr-rules.js";
import { checkRecipients, type RecipientMismatch } from "./rules/recipient-rules.js";

export interface CsrSummary {
  readonly cluster: string;
  readonly login: string;
  readonly path: string;
  readonly groups: readonly string[];
  readonly csrSha256: string;
  readonly signerFingerprint: string | null;
  readonly hasCertificate: boolean;
}

export interface ClusterContext {
  readonly now: Date;
  /** The config to obey, or null when it is broken (rules that need it are skipped). */
  readonly config: KawsConfig | null;
  readonly adminCertDays: number;
  readonly recipients: RecipientSet;
  readonly signers: SignerKeys;
}

export interface ClusterVerification {
  readonly findings: Finding[];
  readonly csrs: CsrSummary[];
  readonly recipientMismatches: RecipientMismatch[];
  readonly pkiMissing: boolean;
}

/** Every invariant of one cluster folder: spec, PKI, key-file recipients, CSRs, signatures, certificates. */
export async function verifyCluster(
  cluster: ClusterFiles,
  context: ClusterContext,
): Promise<ClusterVerification> {
  const { now } = context;
  const [clusterCheck, recipientChecks] = await Promise.all([
    checkCluster(cluster, now),
    Promise.all(
      CLUSTER_ROLES.flatMap((role) => {
        const entry = cluster.keys[role];
        return isLoaded(entry) ? [checkRecipients(entry, context.recipients)] : [];
      }),
    ),
  ]);
  const adminChecks = await Promise.all(
    [...cluster.admins].map(async ([login, files]) => {
      const csr = await checkCsr(cluster.name, login, files, context.config, context.signers, now);
      const certificateFindings = await checkAdminCertificate(
        cluster.name,
        login,
        files,
        csr.facts,
        clusterCheck.ca,
        context.adminCertDays,
        now,
      );
      return { login, files, csr, certificateFindings };
    }),
  );
  const findings = [...clusterCheck.findings, ...recipientChecks.flatMap((r) => r.findings)];
  const csrs: CsrSummary[] = [];
  for (const { login, files, csr, certificateFindings } of adminChecks) {
    findings.push(...csr.findings, ...certificateFindings);
    if (csr.facts && isLoaded(files.csr)) {
      csrs.push({
        cluster: cluster.name,
        login,
        path: files.csr.path,
        groups: csr.facts.organizations,
        csrSha256: sha256Hex(files.csr.bytes),
        signerFingerprint: csr.signerFingerprint,
        hasCertificate: files.certificate !== undefined,
      });
    }
  }
  return {
    findings,
    csrs,
    recipientMismatches: recipientChecks.flatMap((r) => (r.mismatch ? [r.mismatch] : [])),
    pkiMissing: clusterCheck.pkiMissing,
  };
}
