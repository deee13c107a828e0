import * as openpgp from "openpgp";

/**
 * The bot's OpenPGP key pair: a v4 Curve25519 key (Ed25519 signing, X25519 encryption) that
 * GnuPG 2.2 reads, without an expiry (rotate it by replacing .github/kaws-bot.asc and re-encrypting).
 */
export async function generateBotKey(
  name: string,
  now: Date,
): Promise<{ armoredPrivateKey: string; armoredPublicKey: string; fingerprint: string }> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "curve25519Legacy",
    userIDs: [{ name }],
    date: now,
    format: "armored",
    config: { v6Keys: false },
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return {
    armoredPrivateKey: privateKey,
    armoredPublicKey: publicKey,
    fingerprint: key.getFingerprint().toUpperCase(),
  };
}
