/**
 * Private-key blocks in any file: PEM (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8, OpenSSH) and armored
 * OpenPGP secret keys. A block counts when a BEGIN line is followed by a base64 body and its END
 * line, so code and docs that merely mention the marker are not flagged. The scan is linear in the
 * file's size, whatever the file holds: no regular expression backtracks over attacker bytes.
 */
const DASHES = "-----";
const LABELS = [
  "PRIVATE KEY",
  "RSA PRIVATE KEY",
  "EC PRIVATE KEY",
  "DSA PRIVATE KEY",
  "OPENSSH PRIVATE KEY",
  "ENCRYPTED PRIVATE KEY",
  "PGP PRIVATE KEY BLOCK",
];
/** A real key block is small; a longer "body" is not one. */
const MAX_BODY = 64 * 1024;
const BODY_CHARACTERS = /^[A-Za-z0-9+/=:,. \t\r\n-]*$/;
const BASE64_RUN = /[A-Za-z0-9+/]{16}/;

export interface SecretBlock {
  readonly kind: string;
  readonly line: number;
}

export function findSecretMaterial(bytes: Uint8Array): SecretBlock[] {
  const text = new TextDecoder("latin1").decode(bytes);
  if (!text.includes(`${DASHES}BEGIN `)) return [];
  const found: { kind: string; start: number }[] = [];
  for (const label of LABELS) {
    const begin = `${DASHES}BEGIN ${label}${DASHES}`;
    const end = `${DASHES}END ${label}${DASHES}`;
    let nextEnd = -1;
    for (let start = text.indexOf(begin); start !== -1; start = text.indexOf(begin, start + begin.length)) {
      const bodyStart = start + begin.length;
      if (nextEnd < bodyStart) nextEnd = text.indexOf(end, bodyStart);
      if (nextEnd === -1) break;
      if (nextEnd - bodyStart > MAX_BODY) continue;
      const body = text.slice(bodyStart, nextEnd);
      if (body.includes(DASHES) || !BODY_CHARACTERS.test(body) || !BASE64_RUN.test(body)) continue;
      found.push({ kind: label, start });
    }
  }
  return withLineNumbers(
    text,
    found.sort((a, b) => a.start - b.start),
  );
}

/** Line numbers for offsets in ascending order, in one pass over the text. */
function withLineNumbers(text: string, found: { kind: string; start: number }[]): SecretBlock[] {
  let line = 1;
  let position = 0;
  return found.map(({ kind, start }) => {
    for (let i = text.indexOf("\n", position); i !== -1 && i < start; i = text.indexOf("\n", i + 1)) {
      line++;
      position = i + 1;
    }
    return { kind, line };
  });
}
