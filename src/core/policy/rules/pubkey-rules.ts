import { error, warning, type Finding } from "../../findings.js";
import { judgePublicKey } from "../../openpgp/judge-public-key.js";
import type { PublicKeyCache } from "../../openpgp/public-key-cache.js";
import { readPublicKey } from "../../openpgp/read-public-key.js";
import { BOT_KEY_PATH } from "../../tree/classify-path.js";
import type { TreeEntry } from "../../tree/repo-tree.js";
import type { RuleId } from "../../rules-registry.js";
import { isLoaded } from "../repo-model.js";
import { checkKeysAreOnePersonEach } from "./key-uniqueness-rules.js";
import type { KnownKey } from "../known-key.js";

const READ_RULES = {
  "secret-material": "pubkey.secret-material",
  "multiple-keys": "pubkey.multiple-keys",
  unreadable: "pubkey.unreadable",
  "wrong-armor": "pubkey.unreadable",
} as const;

/** The bot's key is judged by the same rules as an admin's, under ids of its own. */
const BOT_KEY_RULES = {
  "pubkey.secret-material": "bot-key.secret-material",
  "pubkey.multiple-keys": "bot-key.multiple-keys",
  "pubkey.unreadable": "bot-key.unreadable",
  "pubkey.expired": "bot-key.expired",
  "pubkey.revoked": "bot-key.revoked",
  "pubkey.invalid": "bot-key.invalid",
  "pubkey.no-encryption-key": "bot-key.no-encryption-key",
  "pubkey.no-signing-key": "bot-key.no-signing-key",
  "pubkey.weak-algorithm": "bot-key.weak-algorithm",
  "pubkey.not-armored": "bot-key.not-armored",
} as const satisfies Partial<Record<RuleId, RuleId>>;

/** The rule of a key file: the admin's, or for the bot's key (no login) its own. */
function keyFileRule<R extends keyof typeof BOT_KEY_RULES>(
  rule: R,
  login: string | null,
): R | (typeof BOT_KEY_RULES)[R] {
  return login === null ? BOT_KEY_RULES[rule] : rule;
}

export interface KeyCheckContext {
  readonly now: Date;
  readonly minRsaBits: number;
  /** Parsed keys shared across calls (the bot's); parsing again when absent. */
  readonly keyCache?: PublicKeyCache;
}

/** Read and judge one public key file: an admin's, or the bot's when `login` is null. */
export async function checkPublicKeyFile(
  entry: TreeEntry,
  login: string | null,
  context: KeyCheckContext,
): Promise<{ known: KnownKey | null; findings: Finding[] }> {
  const bytes = entry.bytes as Uint8Array;
  const read = await (context.keyCache?.read(bytes) ?? readPublicKey(bytes));
  if (!read.ok) {
    const fix =
      read.reason === "secret-material"
        ? "this is a SECRET key: remove it from the history now, consider it compromised, and commit only `gpg --armor --export FPR`"
        : "commit exactly one key made by `gpg --armor --export FPR`";
    const rule = keyFileRule(READ_RULES[read.reason], login);
    return { known: null, findings: [error(rule, entry.path, `${read.detail}: ${fix}`)] };
  }
  const judgement = await judgePublicKey(read.key, context.now, context.minRsaBits);
  const findings = judgement.problems.map((p) =>
    error(keyFileRule(p.rule, login), entry.path, `${p.message} (key ${judgement.fingerprint})`),
  );
  if (!read.armored) {
    findings.push(
      warning(
        keyFileRule("pubkey.not-armored", login),
        entry.path,
        "the key is binary; commit the armored form (`gpg --armor --export FPR`)",
      ),
    );
  }
  return {
    known: {
      path: entry.path,
      login,
      key: read.key,
      fingerprint: judgement.fingerprint,
      encryptionKeyId: judgement.encryptionKeyId,
      sound: judgement.problems.length === 0,
    },
    findings,
  };
}

/** Invariant 1 over `pubkeys/` and the bot's key: every key sound, each (sub)key in one file only. */
export async function checkPublicKeys(
  pubkeys: ReadonlyMap<string, TreeEntry>,
  botKey: TreeEntry | undefined,
  botKeyRequired: boolean,
  context: KeyCheckContext,
): Promise<{ admins: Map<string, KnownKey>; bot: KnownKey | null; findings: Finding[] }> {
  const findings: Finding[] = [];
  const admins = new Map<string, KnownKey>();
  const results = await Promise.all(
    [...pubkeys]
      .filter(([, entry]) => isLoaded(entry))
      .map(async ([login, entry]) => ({
        login,
        ...(await checkPublicKeyFile(entry, login, context)),
      })),
  );
  for (const result of results) {
    findings.push(...result.findings);
    if (result.known) admins.set(result.login, result.known);
  }
  let bot: KnownKey | null = null;
  if (botKey === undefined) {
    const message = "the bot's public key is missing: run `kaws bot-key` and commit .github/kaws-bot.asc";
    findings.push(
      botKeyRequired
        ? error("bot-key.missing", BOT_KEY_PATH, message)
        : warning("bot-key.missing", BOT_KEY_PATH, message),
    );
  } else if (isLoaded(botKey)) {
    const result = await checkPublicKeyFile(botKey, null, context);
    findings.push(...result.findings);
    bot = result.known;
  }
  const unique = checkKeysAreOnePersonEach([...admins.values()], bot);
  findings.push(...unique.findings);
  // A disputed key is neither a recipient nor a signer until the files are fixed: fail closed.
  for (const [login, known] of admins)
    if (unique.disputed.has(known)) admins.set(login, { ...known, sound: false });
  return { admins, bot, findings };
}
