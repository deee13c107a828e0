import { error, warning, type Finding } from "../../findings.js";
import { judgeAdminCertificate } from "../../pki/judge-admin-certificate.js";
import { readCertificate } from "../../pki/read-certificate.js";
import type { CsrFacts } from "../../pki/read-csr.js";
import type { Certificate } from "../../pki/read-certificate.js";
import { clusterFile } from "../../tree/classify-path.js";
import type { AdminFiles } from "../repo-model.js";

/** Invariant 6 for `admins/<login>.pem`, and the pending certificate of a CSR that has none. */
export async function checkAdminCertificate(
  cluster: string,
  login: string,
  files: AdminFiles,
  csr: CsrFacts | null,
  ca: Certificate | null,
  maxDays: number,
  now: Date,
): Promise<Finding[]> {
  const path = clusterFile.adminCert(cluster, login);
  if (files.certificate === undefined) {
    if (files.csr === undefined) return [];
    return [
      warning(
        "csr.certificate.pending",
        clusterFile.csr(cluster, login),
        "no certificate yet: the bot issues it once the request is approved and merged",
      ),
    ];
  }
  if (files.csr === undefined) {
    return [
      error(
        "admin-cert.orphan",
        path,
        `a certificate without ${clusterFile.csr(cluster, login)}: remove it, or restore the CSR it was issued for`,
      ),
    ];
  }
  const read = readCertificate(files.certificate.bytes as Uint8Array);
  if (!read.ok)
    return [error("admin-cert.unreadable", path, `${read.detail}: remove it; the bot issues a new one`)];
  const problems = await judgeAdminCertificate(read.certificate, csr, ca, maxDays, now);
  return problems.map((p) => (p.rule === "admin-cert.expired" ? warning : error)(p.rule, path, p.message));
}
