/** One `Kaws-Certificate:` trailer of a reconcile commit: what was issued, from which CSR. */
export interface CertificateTrailer {
  readonly cluster: string;
  readonly login: string;
  readonly serial: string;
  readonly csrSha256: string;
  /** The maintainers whose approvals the reconciler counted, as the trailer lists them. */
  readonly approvers: readonly string[];
}

/** A certificate a reconcile commit records, and the pull request whose approval it came from. */
export interface IssuedCertificateRecord extends CertificateTrailer {
  readonly pullNumber: number;
}

const TRAILER =
  /^Kaws-Certificate: ([a-z0-9-]+)\/([a-z0-9-]+) serial=([0-9a-fA-F]+) csr-sha256=([0-9a-f]{64})(?: approvers=([a-z0-9,-]*))?(?: |$)/;
const APPROVED_IN = /^- ([a-z0-9-]+) on ([a-z0-9-]+), approved in #(\d+)$/;

/** The certificate trailers of one commit message (reconcileCommitMessage's format), line by line. */
export function certificateTrailers(message: string): CertificateTrailer[] {
  const trailers: CertificateTrailer[] = [];
  for (const line of message.split("\n")) {
    const match = TRAILER.exec(line.trim());
    if (match !== null)
      trailers.push({
        cluster: match[1]!,
        login: match[2]!,
        serial: match[3]!,
        csrSha256: match[4]!,
        approvers: (match[5] ?? "").split(",").filter(Boolean),
      });
  }
  return trailers;
}

/**
 * The certificates one reconcile commit message records, each with the pull request its summary
 * line names; a trailer without its summary line is left out.
 */
export function issuedCertificatesIn(message: string): IssuedCertificateRecord[] {
  const pulls = new Map<string, number>();
  for (const line of message.split("\n")) {
    const approved = APPROVED_IN.exec(line.trim());
    if (approved !== null) pulls.set(`${approved[2]}/${approved[1]}`, Number(approved[3]));
  }
  return certificateTrailers(message).flatMap((t) => {
    const pullNumber = pulls.get(`${t.cluster}/${t.login}`);
    return pullNumber === undefined ? [] : [{ ...t, pullNumber }];
  });
}

/**
 * Whether these commit messages record a certificate issued for this exact CSR of this admin: a
 * CSR is issued once, and a certificate deleted later is not issued again from the same approval.
 */
export function wasIssued(
  messages: readonly string[],
  csr: { cluster: string; login: string; csrSha256: string },
): boolean {
  return messages.some((message) =>
    certificateTrailers(message).some(
      (t) => t.cluster === csr.cluster && t.login === csr.login && t.csrSha256 === csr.csrSha256,
    ),
  );
}
