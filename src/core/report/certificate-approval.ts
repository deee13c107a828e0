import { certificateTrailers } from "../reconcile/issued-certificates.js";

/** The commit that last added an admin's `.pem`: the report reads its message for the trailer. */
export interface CertificateCommit {
  readonly commit: string;
  /** The author as git records it: self-declared, shown so a reader can judge it. */
  readonly author: string;
  readonly message: string;
}

/** Who approved a certificate, as the reconcile commit that added it records. */
export interface CertificateApproval {
  readonly approvers: readonly string[];
  readonly commit: string;
  readonly author: string;
  readonly csrSha256: string;
}

/**
 * The approval that the commit adding a certificate records in its `Kaws-Certificate:` trailer for
 * this cluster, login and serial; null (unknown) when the commit has no such trailer, as when the
 * certificate came by a direct push or a break-glass `kaws admin sign`.
 */
export function certificateApproval(
  added: CertificateCommit | undefined,
  certificate: { cluster: string; login: string; serial: string },
): CertificateApproval | null {
  if (added === undefined) return null;
  const serial = normaliseSerial(certificate.serial);
  const trailer = certificateTrailers(added.message).find(
    (t) =>
      t.cluster === certificate.cluster &&
      t.login === certificate.login &&
      normaliseSerial(t.serial) === serial,
  );
  if (trailer === undefined) return null;
  return {
    approvers: trailer.approvers,
    commit: added.commit,
    author: added.author,
    csrSha256: trailer.csrSha256,
  };
}

/** A serial in lower-case hex without leading zeros, as trailers and certificates are compared. */
export function normaliseSerial(serial: string): string {
  return serial.toLowerCase().replace(/^0+(?=.)/, "");
}
