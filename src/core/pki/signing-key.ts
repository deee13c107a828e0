import { createPrivateKey } from "node:crypto";
import { x509 } from "./x509.js";

/** A CA's private key, imported for signing, with the X.509 signature algorithm that goes with it. */
export interface SigningKey {
  readonly key: CryptoKey;
  readonly algorithm: RsaHashedImportParams | EcKeyImportParams | Algorithm;
  readonly signingAlgorithm: Algorithm | EcdsaParams;
}

/**
 * Import a PEM private key (PKCS#8, PKCS#1 or SEC1) for signing. The bytes come from a decryption
 * in memory and are never written anywhere.
 */
export async function importSigningKey(pem: Uint8Array | string): Promise<SigningKey> {
  const keyObject = createPrivateKey(typeof pem === "string" ? pem : Buffer.from(pem));
  const pkcs8 = keyObject.export({ type: "pkcs8", format: "der" });
  const details = keyObject.asymmetricKeyDetails ?? {};
  let algorithm: SigningKey["algorithm"];
  let signingAlgorithm: SigningKey["signingAlgorithm"];
  switch (keyObject.asymmetricKeyType) {
    case "rsa":
      algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
      signingAlgorithm = algorithm;
      break;
    case "ec": {
      const namedCurve = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" }[
        details.namedCurve ?? ""
      ];
      if (namedCurve === undefined) throw new Error(`unsupported CA key curve ${details.namedCurve}`);
      algorithm = { name: "ECDSA", namedCurve };
      signingAlgorithm = {
        name: "ECDSA",
        hash: namedCurve === "P-256" ? "SHA-256" : "SHA-384",
      } as EcdsaParams;
      break;
    }
    case "ed25519":
      algorithm = { name: "Ed25519" };
      signingAlgorithm = algorithm;
      break;
    default:
      throw new Error(`unsupported CA key type ${keyObject.asymmetricKeyType}`);
  }
  const key = await globalThis.crypto.subtle.importKey("pkcs8", pkcs8, algorithm, false, ["sign"]);
  return { key, algorithm, signingAlgorithm };
}

/** A 128-bit positive serial number as hex, from the random source given. */
export function randomSerial(random: (length: number) => Uint8Array): string {
  const bytes = random(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40; // positive, and never shortened by DER
  return Buffer.from(bytes).toString("hex");
}

export const defaultRandom = (length: number): Uint8Array =>
  globalThis.crypto.getRandomValues(new Uint8Array(length));

export type { x509 };
