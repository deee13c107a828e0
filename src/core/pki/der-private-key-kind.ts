import { childrenOf, contentOf, decodeOid, readNode, type DerNode } from "./der.js";

const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const OID = 0x06;
const SEQUENCE = 0x30;
/** [0] attributes / EC parameters, [1] public key (implicit BIT STRING or explicit). */
const OPTIONAL_TRAILERS = new Set([0xa0, 0x81, 0xa1]);

/**
 * Which DER private key the bytes start with, or null: PKCS#1 RSAPrivateKey, PKCS#8
 * PrivateKeyInfo (OneAsymmetricKey), SEC1 ECPrivateKey, or PKCS#8 EncryptedPrivateKeyInfo under a
 * password-based scheme. Each is matched by its whole top-level shape, so certificates, CSRs and
 * public keys (a SEQUENCE that starts with a SEQUENCE, and no secret OCTET STRING) never are.
 * Lengths are read as BER: OpenSSL loads a key whose lengths are padded or indefinite.
 */
export function derPrivateKeyKind(der: Uint8Array): string | null {
  let items: DerNode[];
  try {
    const outer = readNode(der, 0, "ber");
    if (outer.tag !== SEQUENCE) return null;
    items = childrenOf(der, outer, "ber");
  } catch {
    return null;
  }
  const tags = items.map((item) => item.tag);
  const version = items[0]?.tag === INTEGER ? smallInteger(der, items[0]) : null;
  if (isRsaPrivateKey(tags, version)) return "DER PKCS#1 RSA private key";
  if (
    (version === 0 || version === 1) &&
    tags[1] === SEQUENCE &&
    tags[2] === OCTET_STRING &&
    tags.slice(3).every((tag) => OPTIONAL_TRAILERS.has(tag)) &&
    firstOid(der, items[1]!) !== null
  )
    return "DER PKCS#8 private key";
  if (version === 1 && tags[1] === OCTET_STRING && tags.slice(2).every((tag) => OPTIONAL_TRAILERS.has(tag)))
    return "DER SEC1 EC private key";
  if (tags.length === 2 && tags[0] === SEQUENCE && tags[1] === OCTET_STRING) {
    const scheme = firstOid(der, items[0]!);
    if (scheme?.startsWith("1.2.840.113549.1.5.") || scheme?.startsWith("1.2.840.113549.1.12.1."))
      return "DER PKCS#8 encrypted private key";
  }
  return null;
}

/** version, n, e, d, p, q, dp, dq, qinv; version 1 adds the other primes' SEQUENCE. */
function isRsaPrivateKey(tags: number[], version: number | null): boolean {
  const integers = tags.slice(0, 9);
  if (integers.length !== 9 || !integers.every((tag) => tag === INTEGER)) return false;
  return version === 0 ? tags.length === 9 : version === 1 && tags.length === 10 && tags[9] === SEQUENCE;
}

function smallInteger(der: Uint8Array, node: DerNode): number | null {
  const content = contentOf(der, node);
  return content.length === 1 ? (content[0] as number) : null;
}

/** The OID an AlgorithmIdentifier starts with, or null when it does not. */
function firstOid(der: Uint8Array, sequence: DerNode): string | null {
  try {
    const first = readNode(der, sequence.contentStart, "ber");
    if (first.tag !== OID || first.end > sequence.contentEnd) return null;
    return decodeOid(contentOf(der, first));
  } catch {
    return null;
  }
}
