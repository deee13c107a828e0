import { derPrivateKeyKind } from "../pki/der-private-key-kind.js";
import { findBase64Runs } from "./find-base64-runs.js";
import { hasSecretKeyPacket } from "./has-secret-key-packet.js";

/**
 * Private keys in any file, in every form a person may commit one: PEM blocks (PKCS#1, SEC1,
 * PKCS#8, encrypted PKCS#8, OpenSSH) and armored OpenPGP secret keys, armor headers and all; a
 * binary file that is an OpenPGP secret key or a DER private key; and base64 of either inside text
 * (a JSON or YAML value, wrapped or not). A block counts when a BEGIN line is followed by a base64
 * body and its END line, so code and docs that merely mention the marker are not flagged; binary
 * and base64 forms count only when their bytes have a key's structure. The scan is linear in the
 * file's size, whatever the file holds: no regular expression backtracks over attacker bytes, and
 * each base64 run is decoded once, its first MAX_DECODED_CHARS at most.
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
/** "Proc-Type: 4,ENCRYPTED", "Version: GnuPG v2", "Comment: alice's laptop": before the body. */
const HEADER_LINE = /[A-Za-z][A-Za-z0-9-]*: [^\r\n]*\r?\n/y;
const BASE64_BODY = /[A-Za-z0-9+/=\s]*$/y;
const BASE64_RUN = /[A-Za-z0-9+/]{16}/;
/** The smallest private key (Ed25519 in PKCS#8, 48 bytes) is 64 base64 characters. */
const MIN_ENCODED_CHARS = 64;
/** 24 KiB of key: RSA-16384 in PKCS#8 and OpenPGP both fit. */
const MAX_DECODED_CHARS = 32 * 1024;

export interface SecretBlock {
  readonly kind: string;
  readonly line: number;
}

interface Found {
  readonly kind: string;
  readonly start: number;
}

interface FoundBlock extends Found {
  readonly end: number;
}

export function findSecretMaterial(bytes: Uint8Array): SecretBlock[] {
  const binary = binaryKeyKind(bytes);
  if (binary !== null) return [{ kind: binary, line: 1 }];
  const text = new TextDecoder("latin1").decode(bytes);
  const blocks = findKeyBlocks(text);
  const found = [...blocks, ...findEncodedKeys(text, blocks)];
  return withLineNumbers(
    text,
    found.sort((a, b) => a.start - b.start),
  );
}

/** A file whose bytes are themselves a key. */
function binaryKeyKind(bytes: Uint8Array): string | null {
  if (hasSecretKeyPacket(bytes)) return "binary OpenPGP secret key";
  return derPrivateKeyKind(bytes);
}

/** PEM and armored OpenPGP private-key blocks, by their labels. */
function findKeyBlocks(text: string): FoundBlock[] {
  if (!text.includes(`${DASHES}BEGIN `)) return [];
  const found: FoundBlock[] = [];
  for (const label of LABELS) {
    const begin = `${DASHES}BEGIN ${label}${DASHES}`;
    const end = `${DASHES}END ${label}${DASHES}`;
    let nextEnd = -1;
    for (let start = text.indexOf(begin); start !== -1; start = text.indexOf(begin, start + begin.length)) {
      const bodyStart = start + begin.length;
      if (nextEnd < bodyStart) nextEnd = text.indexOf(end, bodyStart);
      if (nextEnd === -1) break;
      if (nextEnd - bodyStart > MAX_BODY) continue;
      if (isKeyBody(text.slice(bodyStart, nextEnd)))
        found.push({ kind: label, start, end: nextEnd + end.length });
    }
  }
  return found;
}

/** Armor or PEM headers, then base64 and nothing else. */
function isKeyBody(body: string): boolean {
  if (body.includes(DASHES)) return false;
  let position = body.startsWith("\r\n") ? 2 : body.startsWith("\n") ? 1 : 0;
  for (HEADER_LINE.lastIndex = position; HEADER_LINE.test(body);) position = HEADER_LINE.lastIndex;
  BASE64_BODY.lastIndex = position;
  return BASE64_BODY.test(body) && BASE64_RUN.test(body.slice(position));
}

/**
 * Base64 that decodes to a DER private key or an OpenPGP secret key, outside the key blocks already
 * found. The bodies of public blocks (OpenPGP armor, certificates, CSRs, public keys: most of a PKI
 * repository's bytes) are decoded whole, natively, and their packets or DER checked; only the text
 * between them is searched for base64 runs.
 */
function findEncodedKeys(text: string, blocks: readonly FoundBlock[]): Found[] {
  const found: Found[] = [];
  const covered: (readonly [number, number])[] = blocks.map((block) => [block.start, block.end]);
  for (const block of findPublicBlocks(text)) {
    if (blocks.some((key) => key.start < block.end && block.start < key.end)) continue; // already a key block
    covered.push([block.start, block.end]);
    const decoded = Buffer.from(block.body, "base64");
    const kind = block.openpgp
      ? hasSecretKeyPacket(decoded)
        ? "OpenPGP secret key"
        : null
      : derPrivateKeyKind(decoded);
    if (kind !== null) found.push({ kind: `base64 ${kind}`, start: block.bodyStart });
  }
  covered.sort((a, b) => a[0] - b[0]);
  let from = 0;
  for (const [start, end] of [...covered, [text.length, text.length] as const]) {
    if (start > from) {
      for (const run of findBase64Runs(text.slice(from, start), MIN_ENCODED_CHARS, MAX_DECODED_CHARS)) {
        const decoded = Buffer.from(run.base64, "base64");
        const kind = hasSecretKeyPacket(decoded) ? "OpenPGP secret key" : derPrivateKeyKind(decoded);
        if (kind !== null) found.push({ kind: `base64 ${kind}`, start: from + run.start });
      }
    }
    from = Math.max(from, end);
  }
  return found;
}

/** Labels of blocks that hold public material, whose whole body is checked at once. */
const PUBLIC_BLOCK =
  /-----BEGIN (PGP [A-Z ]{1,40}|CERTIFICATE|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|PUBLIC KEY)-----/g;

interface PublicBlock {
  readonly label: string;
  readonly openpgp: boolean;
  readonly start: number;
  readonly end: number;
  /** Where the base64 body starts, after the armor headers. */
  readonly bodyStart: number;
  /** The base64 body, armor headers and checksum line left out. */
  readonly body: string;
}

/** The public blocks of a text, each with its END line; one forward pass. */
function findPublicBlocks(text: string): PublicBlock[] {
  if (!text.includes(`${DASHES}BEGIN `)) return [];
  const blocks: PublicBlock[] = [];
  PUBLIC_BLOCK.lastIndex = 0;
  for (let match = PUBLIC_BLOCK.exec(text); match !== null; match = PUBLIC_BLOCK.exec(text)) {
    const label = match[1]!;
    if (label === "PGP PRIVATE KEY BLOCK") continue; // a key block: found by its label
    const endLine = `${DASHES}END ${label}${DASHES}`;
    const bodyStart = match.index + match[0].length;
    const end = text.indexOf(endLine, bodyStart);
    if (end === -1 || end - bodyStart > MAX_PUBLIC_BODY) continue;
    const raw = text.slice(bodyStart, end);
    let position = raw.startsWith("\r\n") ? 2 : raw.startsWith("\n") ? 1 : 0;
    for (HEADER_LINE.lastIndex = position; HEADER_LINE.test(raw);) position = HEADER_LINE.lastIndex;
    while (raw.charCodeAt(position) === 0x0d || raw.charCodeAt(position) === 0x0a) position++; // the blank line
    blocks.push({
      label,
      openpgp: label.startsWith("PGP "),
      start: match.index,
      end: end + endLine.length,
      bodyStart: bodyStart + position,
      body: raw.slice(position).replace(CHECKSUM_LINE, ""),
    });
    PUBLIC_BLOCK.lastIndex = end + endLine.length;
  }
  return blocks;
}

/** An OpenPGP armor's CRC24 line ("=abcd") at the end of its body. */
const CHECKSUM_LINE = /\r?\n=[A-Za-z0-9+/]{4}\s*$/;
/** A public block's body is checked whole up to this size (a key file to 200 admins is ~70 KB). */
const MAX_PUBLIC_BODY = 4 * 1024 * 1024;

/** Line numbers for offsets in ascending order, in one pass over the text. */
function withLineNumbers(text: string, found: readonly Found[]): SecretBlock[] {
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
