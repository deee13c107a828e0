import { KawsInputError } from "../findings.js";
import { describeAlgorithm, type KeyAlgorithm } from "../openpgp/public-key-facts.js";
import { readPublicKey } from "../openpgp/read-public-key.js";

/** An admin's OpenPGP key as the report names it: identity is the login plus this fingerprint. */
export interface AdminKeySummary {
  readonly fingerprint: string;
  readonly algorithm: string;
}

const CURVES: Record<string, string> = { nistP256: "P-256", nistP384: "P-384", nistP521: "P-521" };

/** The fingerprint and primary-key algorithm of `pubkeys/<login>.asc`; a file that is not one public key stops the report. */
export async function adminKeySummary(bytes: Uint8Array, path: string): Promise<AdminKeySummary> {
  const read = await readPublicKey(bytes);
  if (!read.ok)
    throw new KawsInputError(`report.unreadable`, path, `${path}: ${read.detail}; run \`kaws verify\``);
  return {
    fingerprint: read.key.getFingerprint().toUpperCase(),
    algorithm: openpgpAlgorithmName(read.key.getAlgorithmInfo()),
  };
}

/** "Ed25519", "RSA-3072", "ECDSA P-256": names people know, not openpgp.js's enum names. */
export function openpgpAlgorithmName(info: KeyAlgorithm): string {
  if (info.algorithm === "eddsaLegacy" || info.algorithm === "ed25519") return "Ed25519";
  if (info.algorithm === "ed448") return "Ed448";
  if (info.algorithm === "ecdsa" && info.curve !== undefined && CURVES[info.curve] !== undefined)
    return `ECDSA ${CURVES[info.curve]}`;
  return describeAlgorithm(info);
}
