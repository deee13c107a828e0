import type { KawsConfig } from "../config/kaws-config.js";
import type { PublicKeyCache } from "../openpgp/public-key-cache.js";
import { sortFindings, type Finding } from "../findings.js";
import { CLUSTER_ROLES } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";
import { buildRepoModel } from "./repo-model.js";
import { checkConfig } from "./rules/config-rules.js";
import type { SignerKeys } from "./rules/csr-rules.js";
import type { KnownKey } from "./known-key.js";
import { checkPublicKeys } from "./rules/pubkey-rules.js";
import type { RecipientMismatch } from "./rules/recipient-rules.js";
import { recipientSet } from "./recipient-set.js";
import { verifyCluster, type ClusterContext, type CsrSummary } from "./verify-cluster.js";

export type { CsrSummary };
import { checkTreeFiles } from "./rules/tree-rules.js";

export interface VerifyTreeOptions {
  readonly now: Date;
  /**
   * The authority a pull request is judged by: the default branch's config and admin keys. When
   * absent, the tree is its own authority (`kaws verify`).
   */
  readonly authority?: { readonly config: KawsConfig; readonly admins: ReadonlyMap<string, KnownKey> };
  /** Parsed keys shared across calls (a long-running caller's). */
  readonly keyCache?: PublicKeyCache;
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
  const keys = await checkPublicKeys(model.pubkeys, model.botKey, hasClusterKeys, {
    now,
    minRsaBits: config.keys.min_rsa_bits,
    keyCache: options.keyCache,
  });
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

  const context: ClusterContext = {
    now,
    config: configTrusted ? config : null,
    adminCertDays: config.admin_cert_days,
    recipients: recipientSet(recipients),
    signers,
  };
  // Clusters are independent: checking them together lets the crypto of one overlap another's.
  const clusters = await Promise.all(
    [...model.clusters.values()].map((cluster) => verifyCluster(cluster, context)),
  );
  for (const cluster of clusters) findings.push(...cluster.findings);
  const csrs = clusters.flatMap((c) => c.csrs);
  const recipientMismatches = clusters.flatMap((c) => c.recipientMismatches);
  const clustersMissingPki = [...model.clusters.keys()].filter((_, index) => clusters[index]!.pkiMissing);
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
