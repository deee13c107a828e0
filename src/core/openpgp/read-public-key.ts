import * as openpgp from "openpgp";
import { armorType, armoredText } from "./armor.js";

export type PublicKeyRead =
  | { ok: true; key: openpgp.PublicKey; armored: boolean }
  | { ok: false; reason: "secret-material" | "multiple-keys" | "unreadable" | "wrong-armor"; detail: string };

/**
 * Read a file that must hold exactly one OpenPGP public key (armored or binary). Secret-key material
 * is reported, never loaded further: the caller turns it into a loud finding.
 */
export async function readPublicKey(bytes: Uint8Array): Promise<PublicKeyRead> {
  const armor = armorType(bytes);
  if (armor === "PRIVATE KEY BLOCK") {
    return { ok: false, reason: "secret-material", detail: "the file holds an OpenPGP secret key block" };
  }
  if (armor !== null && armor !== "PUBLIC KEY BLOCK") {
    return {
      ok: false,
      reason: "wrong-armor",
      detail: `the armor is "PGP ${armor}", not "PGP PUBLIC KEY BLOCK"`,
    };
  }
  let keys: openpgp.Key[];
  try {
    keys =
      armor === null
        ? await openpgp.readKeys({ binaryKeys: bytes })
        : await openpgp.readKeys({ armoredKeys: armoredText(bytes) });
  } catch (cause) {
    return { ok: false, reason: "unreadable", detail: openpgpReason(cause) };
  }
  if (keys.some((key) => key.isPrivate())) {
    return { ok: false, reason: "secret-material", detail: "the file holds OpenPGP secret-key packets" };
  }
  if (keys.length !== 1) {
    return {
      ok: false,
      reason: "multiple-keys",
      detail: `the file holds ${keys.length} keys, not exactly one`,
    };
  }
  return { ok: true, key: keys[0] as openpgp.PublicKey, armored: armor !== null };
}

/** openpgp.js error messages without stack or bytes. */
export function openpgpReason(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split("\n")[0]!.slice(0, 200);
}
