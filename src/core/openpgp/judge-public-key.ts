import * as openpgp from "openpgp";
import { uniqueBy } from "../unique-by.js";
import { algorithmWeakness, describeAlgorithm, type KeyAlgorithm } from "./public-key-facts.js";

/** What can be wrong with a key itself (rather than its file). */
export type KeyProblemRule =
  | "pubkey.revoked"
  | "pubkey.expired"
  | "pubkey.invalid"
  | "pubkey.no-encryption-key"
  | "pubkey.no-signing-key"
  | "pubkey.weak-algorithm";

interface KeyProblem {
  readonly rule: KeyProblemRule;
  readonly message: string;
}

export interface PublicKeyJudgement {
  readonly fingerprint: string;
  readonly problems: readonly KeyProblem[];
  readonly expires: Date | null;
  readonly algorithms: readonly string[];
  /**
   * The key ID (lower-case hex) of the (sub)key a message to this key is encrypted to at `now`, as
   * openpgp.js chooses it when the bot encrypts: recipients are matched to it, not to any key ID.
   */
  readonly encryptionKeyId: string | null;
}

/**
 * Judge an administrator's (or the bot's) public key: not expired, not revoked, a usable encryption
 * key and a signing-capable key, every (sub)key meeting the algorithm minimums.
 */
export async function judgePublicKey(
  key: openpgp.PublicKey,
  now: Date,
  minRsaBits: number,
): Promise<PublicKeyJudgement> {
  const problems: KeyProblem[] = [];
  const fingerprint = key.getFingerprint().toUpperCase();
  let expires: Date | null = null;
  let encryptionKeyId: string | null = null;

  try {
    await key.verifyPrimaryKey(now);
  } catch (cause) {
    const text = cause instanceof Error ? cause.message : String(cause);
    if (/revoked/i.test(text)) problems.push({ rule: "pubkey.revoked", message: "the key is revoked" });
    else if (/expired/i.test(text)) problems.push({ rule: "pubkey.expired", message: "the key has expired" });
    else problems.push({ rule: "pubkey.invalid", message: `the key is not valid: ${text.split("\n")[0]}` });
  }
  if (problems.length === 0) {
    const expiration = await key.getExpirationTime();
    if (expiration instanceof Date) expires = expiration;
    await requireCapability(
      problems,
      async () => {
        encryptionKeyId = (await key.getEncryptionKey(undefined, now)).getKeyID().toHex();
      },
      "pubkey.no-encryption-key",
      "the key has no usable encryption (sub)key: add one with `gpg --quick-add-key FPR cv25519 encr`",
    );
    await requireCapability(
      problems,
      () => key.getSigningKey(undefined, now),
      "pubkey.no-signing-key",
      "the key has no usable signing key",
    );
  }

  const algorithms: string[] = [];
  const parts: KeyAlgorithm[] = [
    key.getAlgorithmInfo(),
    ...key.getSubkeys().map((s) => s.getAlgorithmInfo()),
  ];
  for (const info of parts) {
    algorithms.push(describeAlgorithm(info));
    const weakness = algorithmWeakness(info, minRsaBits);
    if (weakness !== null) problems.push({ rule: "pubkey.weak-algorithm", message: weakness });
  }
  return {
    fingerprint,
    problems: uniqueBy(problems, (p) => `${p.rule}\u0000${p.message}`),
    expires,
    algorithms,
    encryptionKeyId,
  };
}

async function requireCapability(
  problems: KeyProblem[],
  find: () => Promise<unknown>,
  rule: KeyProblemRule,
  message: string,
): Promise<void> {
  try {
    await find();
  } catch {
    problems.push({ rule, message });
  }
}
