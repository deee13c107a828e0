import { access } from "node:fs/promises";
import { join } from "node:path";
import { generateBotKey } from "../core/openpgp/generate-bot-key.js";
import { BOT_KEY_PATH } from "../core/tree/classify-path.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { writeFileAtomically } from "./write-file-safely.js";

/**
 * `kaws bot-key`: make the bot's key pair. The public key goes to `.github/kaws-bot.asc`; the
 * armored secret key goes to standard output only (put it straight into the app's secret store as
 * KAWS_BOT_KEY); kaws writes it nowhere.
 */
export async function botKeyCommand(
  options: { repo: string; name: string; now: Date },
  out: Output,
  err: Output,
): Promise<number> {
  const path = join(options.repo, BOT_KEY_PATH);
  try {
    await access(path);
    throw new CliError(
      `${BOT_KEY_PATH} already exists: remove it first if you mean to replace the bot's key (then run \`/kaws reencrypt\`)`,
    );
  } catch (cause) {
    if (cause instanceof CliError) throw cause;
  }
  const key = await generateBotKey(options.name, options.now);
  await writeFileAtomically(path, key.armoredPublicKey);
  out.write(key.armoredPrivateKey);
  err.write(
    `wrote ${BOT_KEY_PATH} (fingerprint ${key.fingerprint}); the secret key above is for KAWS_BOT_KEY in the app's secret store: do not save it anywhere else\n`,
  );
  return 0;
}
