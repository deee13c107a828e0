import { createPublicKey, type KeyObject } from "node:crypto";

/** The algorithm and size of a public key in X.509 SubjectPublicKeyInfo form. */
export interface PublicKeyFacts {
  readonly type: "rsa" | "ec" | "ed25519" | "other";
  readonly bits?: number;
  readonly curve?: string;
  readonly description: string;
}

const CURVE_NAMES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

export function describePublicKey(spki: ArrayBuffer | Uint8Array): PublicKeyFacts {
  const key = publicKeyObject(spki);
  return key === null ? { type: "other", description: "an unreadable public key" } : describeKeyObject(key);
}

/** A node KeyObject for an X.509 SubjectPublicKeyInfo, or null when it does not parse. */
export function publicKeyObject(spki: ArrayBuffer | Uint8Array): KeyObject | null {
  try {
    return createPublicKey({
      key: Buffer.from(spki instanceof Uint8Array ? spki : new Uint8Array(spki)),
      format: "der",
      type: "spki",
    });
  } catch {
    return null;
  }
}

export function describeKeyObject(key: KeyObject): PublicKeyFacts {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { type: "rsa", bits: details.modulusLength, description: `RSA-${details.modulusLength}` };
    case "ec": {
      const curve = CURVE_NAMES[details.namedCurve ?? ""] ?? details.namedCurve ?? "unknown";
      return { type: "ec", curve, description: `EC ${curve}` };
    }
    case "ed25519":
      return { type: "ed25519", description: "Ed25519" };
    default:
      return { type: "other", description: key.asymmetricKeyType ?? "unknown" };
  }
}

/** Null when an admin's certificate key meets the minimums (RSA >= 2048, EC P-256/P-384, Ed25519). */
export function certificateKeyWeakness(facts: PublicKeyFacts): string | null {
  if (facts.type === "rsa")
    return (facts.bits ?? 0) >= 2048 ? null : `${facts.description} is below RSA-2048`;
  if (facts.type === "ec")
    return facts.curve === "P-256" || facts.curve === "P-384" ? null : `${facts.description} is not allowed`;
  if (facts.type === "ed25519") return null;
  return `${facts.description} keys are not allowed (use RSA-2048+, EC P-256/P-384 or Ed25519)`;
}
