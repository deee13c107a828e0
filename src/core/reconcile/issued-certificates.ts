/** A certificate a reconcile commit records, and the pull request whose approval it came from. */
export interface IssuedCertificateRecord {
  readonly cluster: string;
  readonly login: string;
  readonly serial: string;
  readonly pullNumber: number;
}

const TRAILER = /^Kaws-Certificate: ([a-z0-9-]+)\/([a-z0-9-]+) serial=([0-9a-fA-F]+) /;
const APPROVED_IN = /^- ([a-z0-9-]+) on ([a-z0-9-]+), approved in #(\d+)$/;

/**
 * The certificates one reconcile commit message records (its trailers), each with the pull request
 * its summary line names. Read line by line; a trailer without its summary line is left out.
 */
export function issuedCertificatesIn(message: string): IssuedCertificateRecord[] {
  const pulls = new Map<string, number>();
  const trailers: { cluster: string; login: string; serial: string }[] = [];
  for (const raw of message.split("\n")) {
    const line = raw.trim();
    const approved = APPROVED_IN.exec(line);
    if (approved !== null) pulls.set(`${approved[2]}/${approved[1]}`, Number(approved[3]));
    const trailer = TRAILER.exec(line);
    if (trailer !== null) trailers.push({ cluster: trailer[1]!, login: trailer[2]!, serial: trailer[3]! });
  }
  return trailers.flatMap((t) => {
    const pullNumber = pulls.get(`${t.cluster}/${t.login}`);
    return pullNumber === undefined ? [] : [{ ...t, pullNumber }];
  });
}
