import { error, warning, type Finding } from "../../findings.js";
import { judgeAdminCertificate } from "../../pki/judge-admin-certificate.js";
import { readCertificate } from "../../pki/read-certificate.js";
import type { CsrFacts } from "../../pki/read-csr.js";
import type { Certificate } from "../../pki/read-certificate.js";
import { clusterFile } from "../../tree/classify-path.js";
import { isLoaded, type AdminFiles } from "../repo-model.js";

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
    if (!isLoaded(files.csr)) return []; // nothing to say of a CSR nobody loaded (not part of the change)
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
  if (!isLoaded(files.certificate)) return [];
  const read = readCertificate(files.certificate.bytes);
  if (!read.ok)
    return [error("admin-cert.unreadable", path, `${read.detail}: remove it; the bot issues a new one`)];
  const problems = judgeAdminCertificate(read.certificate, csr, ca, maxDays, now);
  return problems.map((p) =>
    p.rule === "admin-cert.expired" ? warning(p.rule, path, p.message) : error(p.rule, path, p.message),
  );
}
