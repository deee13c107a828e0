import * as openpgp from "openpgp";

/** What the rules need to know of one (sub)key's algorithm. */
export interface KeyAlgorithm {
  readonly algorithm: string;
  readonly bits?: number;
  readonly curve?: string;
}

export function describeAlgorithm(info: KeyAlgorithm): string {
  if (info.bits !== undefined && info.algorithm.startsWith("rsa")) return `RSA-${info.bits}`;
  if (info.curve !== undefined) return `${info.algorithm}/${info.curve}`;
  return info.algorithm;
}

const ALLOWED_CURVES = new Set(["ed25519Legacy", "curve25519Legacy", "nistP256", "nistP384", "nistP521"]);
const ALLOWED_MODERN = new Set(["ed25519", "x25519", "ed448", "x448"]);

/** Null when the algorithm meets the minimums; else the reason it does not. */
export function algorithmWeakness(info: KeyAlgorithm, minRsaBits: number): string | null {
  const { algorithm } = info;
  if (algorithm.startsWith("rsa")) {
    return (info.bits ?? 0) >= minRsaBits
      ? null
      : `RSA-${info.bits ?? "?"} is below the minimum of ${minRsaBits} bits`;
  }
  if (algorithm === "ecdh" || algorithm === "ecdsa" || algorithm === "eddsaLegacy") {
    return info.curve !== undefined && ALLOWED_CURVES.has(info.curve)
      ? null
      : `curve ${info.curve ?? "?"} is not allowed (use Curve25519 or NIST P-256 and up)`;
  }
  if (ALLOWED_MODERN.has(algorithm)) return null;
  if (algorithm === "dsa") return "DSA keys are not allowed";
  if (algorithm === "elgamal") return "ElGamal keys are not allowed";
  return `algorithm ${algorithm} is not allowed`;
}

/** Every key ID (primary and subkeys) of a key, lower-case hex. */
export function allKeyIds(key: openpgp.Key): string[] {
  return [key.getKeyID().toHex(), ...key.getSubkeys().map((subkey) => subkey.getKeyID().toHex())];
}
