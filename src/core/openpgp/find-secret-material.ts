/**
 * Private-key blocks in any file: PEM (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8, OpenSSH) and armored
 * OpenPGP secret keys. A block counts when a BEGIN line is followed by a body and its END line, so
 * code and docs that merely mention the marker are not flagged.
 */
const DASHES = "-----";
const PEM_BLOCK = new RegExp(
  `${DASHES}BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY|PGP PRIVATE KEY BLOCK)${DASHES}[\\r\\n]+` +
    `(?:[A-Za-z0-9+/=:,. -]*[\\r\\n]+){1,2000}?${DASHES}END \\1${DASHES}`,
  "g",
);

export interface SecretBlock {
  readonly kind: string;
  readonly line: number;
}

export function findSecretMaterial(bytes: Uint8Array): SecretBlock[] {
  const text = new TextDecoder("latin1").decode(bytes);
  if (!text.includes(`${DASHES}BEGIN `)) return [];
  const blocks: SecretBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const line = text.slice(0, match.index).split("\n").length;
    blocks.push({ kind: match[1] as string, line });
  }
  return blocks;
}
