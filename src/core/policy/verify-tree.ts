import type { KawsConfig } from "../config/kaws-config.js";
import { sortFindings, type Finding } from "../findings.js";
import { sha256Hex } from "../hash.js";
import { CLUSTER_ROLES } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";
import { buildRepoModel } from "./repo-model.js";
import { checkAdminCertificate } from "./rules/admin-cert-rules.js";
import { checkCluster } from "./rules/cluster-rules.js";
import { checkConfig } from "./rules/config-rules.js";
import { checkCsr, type SignerKeys } from "./rules/csr-rules.js";
import { checkPublicKeys, type KnownKey } from "./rules/pubkey-rules.js";
import { checkRecipients, type RecipientMismatch } from "./rules/recipient-rules.js";
import { checkTreeFiles } from "./rules/tree-rules.js";

export interface VerifyTreeOptions {
  readonly now: Date;
  /**
   * The authority a pull request is judged by: the default branch's config and admin keys. When
   * absent, the tree is its own authority (`kaws verify`).
   */
  readonly authority?: { readonly config: KawsConfig; readonly admins: ReadonlyMap<string, KnownKey> };
}

export interface CsrSummary {
  readonly cluster: string;
  readonly login: string;
  readonly path: string;
  readonly groups: readonly string[];
  readonly csrSha256: string;
  readonly signerFingerprint: string | null;
  readonly hasCertificate: boolean;
}

export interface TreeVerification {
  readonly findings: Finding[];
  readonly config: KawsConfig;
  readonly configValid: boolean;
  readonly admins: Map<string, KnownKey>;
  readonly bot: KnownKey | null;
  readonly csrs: CsrSummary[];
  readonly recipientMismatches: RecipientMismatch[];
  readonly clustersMissingPki: string[];
}

/** Every invariant of DESIGN section 3 on one tree. Pure: the tree and the time in, findings out. */
export async function verifyTree(tree: RepoTree, options: VerifyTreeOptions): Promise<TreeVerification> {
  const { now } = options;
  const model = buildRepoModel(tree);
  const findings: Finding[] = checkTreeFiles(tree);

  const own = checkConfig(model.config);
  findings.push(...own.findings);
  const config = options.authority?.config ?? own.config;
  // With a broken config nobody knows which groups are allowed: say so once, not once per CSR.
  const configTrusted = options.authority !== undefined || own.valid;

  const hasClusterKeys = [...model.clusters.values()].some((c) => CLUSTER_ROLES.some((r) => c.keys[r]));
  const keys = await checkPublicKeys(
    model.pubkeys,
    model.botKey,
    hasClusterKeys,
    now,
    config.keys.min_rsa_bits,
  );
  findings.push(...keys.findings);
  // Recipients are the sound keys: a revoked, expired or weak key is an error of its own and must not hold cluster keys.
  const recipients = [...keys.admins.values(), ...(keys.bot ? [keys.bot] : [])].filter(
    (known) => known.sound,
  );
  const signers: SignerKeys = {
    lookup: (login) => {
      const authoritative = options.authority?.admins.get(login);
      if (authoritative) return { known: authoritative, isNew: false };
      const known = keys.admins.get(login);
      return known ? { known, isNew: options.authority !== undefined } : undefined;
    },
    everyone: [...(options.authority?.admins.values() ?? []), ...keys.admins.values()],
  };

  const csrs: CsrSummary[] = [];
  const recipientMismatches: RecipientMismatch[] = [];
  const clustersMissingPki: string[] = [];
  for (const cluster of model.clusters.values()) {
    const clusterCheck = await checkCluster(cluster, now);
    findings.push(...clusterCheck.findings);
    if (clusterCheck.pkiMissing) clustersMissingPki.push(cluster.name);
    for (const role of CLUSTER_ROLES) {
      const entry = cluster.keys[role];
      if (!entry) continue;
      const result = await checkRecipients(entry, recipients);
      findings.push(...result.findings);
      if (result.mismatch) recipientMismatches.push(result.mismatch);
    }
    const adminChecks = await Promise.all(
      [...cluster.admins].map(async ([login, files]) => {
        const csr = await checkCsr(cluster.name, login, files, configTrusted ? config : null, signers, now);
        const certificateFindings = await checkAdminCertificate(
          cluster.name,
          login,
          files,
          csr.facts,
          clusterCheck.ca,
          config.admin_cert_days,
          now,
        );
        return { login, files, csr, certificateFindings };
      }),
    );
    for (const { login, files, csr, certificateFindings } of adminChecks) {
      findings.push(...csr.findings, ...certificateFindings);
      if (csr.facts && files.csr) {
        csrs.push({
          cluster: cluster.name,
          login,
          path: files.csr.path,
          groups: csr.facts.organizations,
          csrSha256: sha256Hex(files.csr.bytes as Uint8Array),
          signerFingerprint: csr.signerFingerprint,
          hasCertificate: files.certificate !== undefined,
        });
      }
    }
  }
  return {
    findings: sortFindings(findings),
    config,
    configValid: own.valid,
    admins: keys.admins,
    bot: keys.bot,
    csrs,
    recipientMismatches,
    clustersMissingPki,
  };
}
