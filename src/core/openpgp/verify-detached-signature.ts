import * as openpgp from "openpgp";
import { armorType, armoredText } from "./armor.js";
import { allKeyIds } from "./public-key-facts.js";
import { openpgpReason } from "./read-public-key.js";

/** A signer's clock may run ahead of ours: signatures up to this far in the future still verify. */
export const CLOCK_SKEW_MS = 15 * 60 * 1000;

export type SignatureCheck =
  | { ok: true; signerFingerprint: string; signingKeyId: string; created: Date | null }
  | {
      ok: false;
      reason: "unreadable" | "not-one-signature" | "wrong-signer" | "bad-signature";
      /** Issuer key IDs named in the signature packets (lower-case hex), to tell whose key signed. */
      issuerKeyIds: string[];
      detail: string;
    };

/**
 * Verify a detached OpenPGP signature (armored or binary, binary- or text-mode) over these exact
 * bytes, made by `signerKey` and nobody else. Fails closed: exactly one signature, by one of the
 * signer's (sub)keys, that verifies at `now`.
 */
export async function verifyDetachedSignature(
  data: Uint8Array,
  signatureBytes: Uint8Array,
  signerKey: openpgp.PublicKey,
  now: Date,
): Promise<SignatureCheck> {
  let signature: openpgp.Signature;
  const armor = armorType(signatureBytes);
  try {
    if (armor !== null && armor !== "SIGNATURE")
      throw new Error(`the armor is "PGP ${armor}", not "PGP SIGNATURE"`);
    signature =
      armor === null
        ? await openpgp.readSignature({ binarySignature: signatureBytes })
        : await openpgp.readSignature({ armoredSignature: armoredText(signatureBytes) });
  } catch (cause) {
    return { ok: false, reason: "unreadable", issuerKeyIds: [], detail: openpgpReason(cause) };
  }
  const packets = signature.packets;
  // a packet of a version openpgp.js only half reads has no issuer: name it "unknown", never throw
  const issuerKeyIds = packets.map((packet) => issuerOf(packet));
  if (packets.length !== 1) {
    return {
      ok: false,
      reason: "not-one-signature",
      issuerKeyIds,
      detail: `the file holds ${packets.length} signatures, not exactly one`,
    };
  }
  const signerIds = new Set(allKeyIds(signerKey));
  const issuer = issuerKeyIds[0] as string;
  if (!signerIds.has(issuer)) {
    return {
      ok: false,
      reason: "wrong-signer",
      issuerKeyIds,
      detail: `signed by key ID ${issuer.toUpperCase()}`,
    };
  }
  try {
    const message = await openpgp.createMessage({ binary: data });
    const result = await openpgp.verify({
      message,
      signature,
      verificationKeys: [signerKey],
      date: new Date(now.getTime() + CLOCK_SKEW_MS),
    });
    const [only] = result.signatures;
    if (only === undefined) throw new Error("no signature was checked");
    await only.verified; // rejects when the signature does not verify
    const keyId = only.keyID.toHex();
    if (!signerIds.has(keyId)) throw new Error(`verified with unexpected key ID ${keyId}`);
    const packet = (await only.signature).packets[0];
    return {
      ok: true,
      signerFingerprint: signerKey.getFingerprint().toUpperCase(),
      signingKeyId: keyId.toUpperCase(),
      created: packet?.created ?? null,
    };
  } catch (cause) {
    return { ok: false, reason: "bad-signature", issuerKeyIds, detail: openpgpReason(cause) };
  }
}

function issuerOf(packet: openpgp.SignaturePacket): string {
  try {
    const hex = packet.issuerKeyID?.toHex();
    return typeof hex === "string" && hex.length > 0 ? hex : "unknown";
  } catch {
    return "unknown";
  }
}
