import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as openpgp from "openpgp";
import { readWorkingTree } from "../src/cli/read-working-tree.js";
import { decryptMessage, readDecryptionKey } from "../src/core/openpgp/decrypt-message.js";
import { encryptToRecipients } from "../src/core/openpgp/encrypt-to-recipients.js";
import { classifyPath } from "../src/core/tree/classify-path.js";
import type { Files } from "../test/helpers/build-repo.js";
import { gpgIn } from "./build-synthetic-repo.js";

/** Admins in the re-encryption's recipient set (half RSA-3072, half Curve25519), before and after. */
export const REENCRYPT_ADMINS = 100;
const START_ADMINS = 50;

/** The repository before a re-encryption: its key files encrypted to the first 50 admins and the bot. */
export interface ReencryptStartState {
  /** Every file of the start commit (pubkeys/ holds the 100 admins' keys). */
  readonly files: Files;
  /** The 60 key files, encrypted to 51 recipients. */
  readonly keyPaths: readonly string[];
  /** Their clear bytes, for the age anchor's start state. */
  readonly clearKeys: ReadonlyMap<string, Uint8Array>;
  /** The 101 recipients' fingerprints (the 100 admins, then the bot). */
  readonly fingerprints: readonly string[];
  readonly botSecretKey: string;
}

/**
 * From the synthetic repository (key files encrypted to 200 admins + bot): the admins past the
 * first 100 removed, and every key file encrypted to the first 50 admins and the bot, so that a
 * re-encryption owes all 60 of them to 101 recipients.
 */
export async function makeReencryptStartState(
  repoDir: string,
  gnupgHome: string,
): Promise<ReencryptStartState> {
  const tree = await readWorkingTree(repoDir);
  const logins = Array.from({ length: REENCRYPT_ADMINS }, (_, i) => `admin${String(i).padStart(3, "0")}`);
  const keyFilePaths = [...logins.map((login) => `pubkeys/${login}.asc`), ".github/kaws-bot.asc"];
  const keys = await Promise.all(
    keyFilePaths.map((path) =>
      openpgp.readKey({ armoredKey: new TextDecoder().decode(tree.get(path)!.bytes) }),
    ),
  );
  const botSecretKey = gpgIn(gnupgHome)(["--armor", "--export-secret-keys", "bot@bench.invalid"]).toString();
  const botKey = await readDecryptionKey(botSecretKey);
  const startRecipients = [...keys.slice(0, START_ADMINS), keys.at(-1)!];
  const now = new Date();
  const files: Files = {};
  const clearKeys = new Map<string, Uint8Array>();
  for (const [path, entry] of tree) {
    if (!entry.bytes) continue;
    const kind = classifyPath(path)?.kind;
    if (kind === "pubkey" && !keyFilePaths.includes(path)) continue;
    if (kind !== "cluster-key") {
      files[path] = entry.bytes;
      continue;
    }
    const clear = await decryptMessage(entry.bytes, botKey);
    clearKeys.set(path, clear);
    files[path] = await encryptToRecipients(clear, startRecipients, now);
  }
  return {
    files,
    keyPaths: [...clearKeys.keys()],
    clearKeys,
    fingerprints: keys.map((key) => key.getFingerprint().toUpperCase()),
    botSecretKey,
  };
}

/**
 * Write what a re-encryption reads into `dir`: the key files as they start, the 101 recipients'
 * public keys (pubkeys/, .github/kaws-bot.asc) and the bot's secret key (bot-secret.asc).
 */
export function writeReencryptInput(state: ReencryptStartState, dir: string): void {
  const write = (path: string, content: string | Uint8Array) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  for (const [path, content] of Object.entries(state.files)) {
    const kind = classifyPath(path)?.kind;
    if (kind === "cluster-key" || kind === "pubkey" || kind === "bot-key") write(path, content);
  }
  write("bot-secret.asc", state.botSecretKey);
}
