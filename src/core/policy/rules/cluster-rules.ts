import { parseClusterSpec, type ClusterSpec } from "../../config/cluster-spec.js";
import { error, warning, KawsInputError, type Finding } from "../../findings.js";
import {
  judgeCaCertificate,
  judgeComponentCertificate,
  expiresSoon,
} from "../../pki/judge-cluster-certificate.js";
import { isoDay } from "../../pki/judge-admin-certificate.js";
import { readCertificate } from "../../pki/read-certificate.js";
import type { Certificate } from "../../pki/read-certificate.js";
import { CLUSTER_ROLES, clusterFile } from "../../tree/classify-path.js";
import { isLoaded, type ClusterFiles } from "../repo-model.js";

export interface ClusterCheck {
  readonly findings: Finding[];
  readonly spec: ClusterSpec | null;
  readonly ca: Certificate | null;
  /** True when cluster.yml is there and none of the PKI is: the reconciler owes it. */
  readonly pkiMissing: boolean;
}

/** cluster.yml, the presence of the PKI files, and the CA/master/node certificates (invariants 6 and 7). */
export async function checkCluster(cluster: ClusterFiles, now: Date): Promise<ClusterCheck> {
  const findings: Finding[] = [];
  const specPath = clusterFile.spec(cluster.name);
  let spec: ClusterSpec | null = null;
  if (cluster.spec === undefined) {
    findings.push(
      error(
        "cluster.spec.missing",
        specPath,
        "the cluster has files but no cluster.yml: add it (see docs) or remove the folder",
      ),
    );
  } else if (isLoaded(cluster.spec)) {
    try {
      spec = parseClusterSpec(cluster.spec.bytes, specPath);
    } catch (cause) {
      if (!(cause instanceof KawsInputError)) throw cause;
      findings.push(error(cause.rule, cause.path, cause.message));
    }
  }

  const present = CLUSTER_ROLES.flatMap((role) => [cluster.certificates[role], cluster.keys[role]]).filter(
    Boolean,
  ).length;
  const pkiMissing = present === 0 && cluster.spec !== undefined;
  if (pkiMissing) {
    findings.push(
      error(
        "cluster.pki.missing",
        specPath,
        "the cluster has no PKI yet: the bot generates it when this is on the default branch (or run `kaws cluster genpki`)",
      ),
    );
  } else if (present < CLUSTER_ROLES.length * 2) {
    for (const role of CLUSTER_ROLES) {
      if (!cluster.certificates[role])
        findings.push(
          error(
            "cluster.pki.incomplete",
            clusterFile.cert(cluster.name, role),
            `${role}.pem is missing: restore it or rotate the cluster PKI`,
          ),
        );
      if (!cluster.keys[role])
        findings.push(
          error(
            "cluster.pki.incomplete",
            clusterFile.key(cluster.name, role),
            `${role}-key.pem.asc is missing: restore it or rotate the cluster PKI`,
          ),
        );
    }
  }

  let ca: Certificate | null = null;
  const caEntry = cluster.certificates.ca;
  if (isLoaded(caEntry)) {
    const read = readCertificate(caEntry.bytes);
    if (!read.ok)
      findings.push(
        error("ca.unreadable", caEntry.path, `${read.detail}: restore ca.pem or rotate the cluster PKI`),
      );
    else {
      ca = read.certificate;
      findings.push(
        ...(await judgeCaCertificate(ca, now)).map((p) => error(p.rule, caEntry.path, p.message)),
      );
      if (expiresSoon(ca, now))
        findings.push(
          warning(
            "ca.expires-soon",
            caEntry.path,
            `the CA expires on ${isoDay(ca.notAfter)}: run \`/kaws rotate ${cluster.name}\``,
          ),
        );
    }
  }
  for (const role of ["master", "node"] as const) {
    const entry = cluster.certificates[role];
    if (!isLoaded(entry)) continue;
    const read = readCertificate(entry.bytes);
    if (!read.ok) {
      findings.push(
        error(`${role}-cert.unreadable`, entry.path, `${read.detail}: restore it or rotate the cluster PKI`),
      );
      continue;
    }
    const problems = await judgeComponentCertificate(role, read.certificate, ca, spec, now);
    findings.push(...problems.map((p) => error(p.rule, entry.path, p.message)));
    if (expiresSoon(read.certificate, now)) {
      findings.push(
        warning(
          `${role}-cert.expires-soon`,
          entry.path,
          `${role}.pem expires on ${isoDay(read.certificate.notAfter)}: run \`/kaws rotate ${cluster.name}\``,
        ),
      );
    }
  }
  return { findings, spec, ca, pkiMissing };
}
