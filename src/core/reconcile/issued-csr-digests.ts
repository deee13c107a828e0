const TRAILER = /^Kaws-Certificate: (\S+) serial=\S+ csr-sha256=([0-9a-f]{64})(?: |$)/;

/**
 * The CSRs the reconciler already issued a certificate for, read back from the trailers of commit
 * messages: `<cluster>/<login>` and the CSR's SHA-256. Linear, line by line. A CSR is issued once:
 * a certificate deleted later is not re-issued from the same approval (a renewal brings a new CSR).
 */
export function issuedCsrDigests(messages: readonly string[]): Set<string> {
  const issued = new Set<string>();
  for (const message of messages)
    for (const line of message.split("\n")) {
      const match = TRAILER.exec(line.trim());
      if (match !== null) issued.add(issuedKey(match[1]!, match[2]!));
    }
  return issued;
}

export function issuedKey(clusterAndLogin: string, csrSha256: string): string {
  return `${clusterAndLogin} ${csrSha256}`;
}
