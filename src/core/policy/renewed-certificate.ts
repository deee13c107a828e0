import { readCertificate } from "../pki/read-certificate.js";
import { classifyPath, clusterFile } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";
import type { PathChange } from "./diff-trees.js";

/** The certificate a renewal replaces, as the base of the change holds it. */
export interface RenewedCertificate {
  readonly path: string;
  /** Lower-case hex; null when the base's certificate was not read or does not parse. */
  readonly serial: string | null;
  readonly notAfter: Date | null;
  /** Whether it had ended at the time of the evaluation. */
  readonly expired: boolean;
}

/**
 * The certificate that a request for `login` on `cluster` renews: the change removes that
 * `admins/<login>.pem` while it brings a new CSR (`kaws admin renew`). Null when it is no renewal.
 * The base tree may hold the certificate's bytes or only its listing (the bot reads the bytes when
 * `renewalsToLoad` names them).
 */
export function renewedCertificate(
  base: RepoTree,
  changes: readonly PathChange[],
  request: { cluster: string; login: string },
  now: Date,
): RenewedCertificate | null {
  const path = clusterFile.adminCert(request.cluster, request.login);
  if (!changes.some((c) => c.path === path && c.change === "removed")) return null;
  const bytes = base.get(path)?.bytes;
  const read = bytes === undefined ? null : readCertificate(bytes);
  if (read === null || !read.ok) return { path, serial: null, notAfter: null, expired: false };
  const { serialNumber, notAfter } = read.certificate;
  return {
    path,
    serial: serialNumber.toLowerCase(),
    notAfter,
    expired: notAfter.getTime() <= now.getTime(),
  };
}

/** The base's certificates a change removes while it replaces their CSR: the renewals to describe. */
export function renewalsToLoad(changes: readonly PathChange[]): string[] {
  const replaced = new Set(changes.filter((c) => c.change !== "removed").map((c) => c.path));
  return changes.flatMap((change) => {
    const managed = classifyPath(change.path);
    return change.change === "removed" &&
      managed?.kind === "admin-cert" &&
      replaced.has(clusterFile.csr(managed.cluster, managed.login))
      ? [change.path]
      : [];
  });
}
