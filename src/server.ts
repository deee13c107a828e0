import { run, type ProbotOctokit } from "probot";
import { createKawsBot } from "./app.js";
import { readDecryptionKey } from "./core/openpgp/decrypt-message.js";
import { BotOctokit } from "./github/bot-octokit.js";
import { defaultWorkerCount } from "./core/worker/change-evaluator.js";

/** Start-up refused: the message says which variable is wrong and how to fix it. */
export class StartError extends Error {}

/** Minutes between sweeps of every installed default branch (KAWS_SWEEP_MINUTES; 0: none). */
function sweepMinutes(value: string | undefined): number {
  if (value === undefined || value === "") return 60;
  const minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new StartError(
      `KAWS_SWEEP_MINUTES must be a number of minutes (0 turns the sweep off), not "${value}"`,
    );
  return minutes;
}

/** Worker threads for evaluations (KAWS_WORKERS; 0: none, in the event loop's thread). */
function workerCount(value: string | undefined): number {
  if (value === undefined || value === "") return defaultWorkerCount();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0 || count > 64)
    throw new StartError(
      `KAWS_WORKERS must be a whole number of worker threads from 0 to 64, not "${value}"`,
    );
  return count;
}

/**
 * The bot as a long-running server (Probot's), from the environment. A bot key that does not load
 * stops the start with the reason (the key itself is never printed): a bot that cannot open the
 * CA keys must not look healthy. Webhooks are served at `/` unless WEBHOOK_PATH says otherwise:
 * the app manifest Probot's setup page registers points GitHub there.
 */
export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: { Octokit?: typeof ProbotOctokit } = {},
) {
  const botKey = env.KAWS_BOT_KEY || undefined;
  const botKeyPassphrase = env.KAWS_BOT_KEY_PASSPHRASE || undefined;
  if (botKey !== undefined) {
    try {
      await readDecryptionKey(botKey, botKeyPassphrase);
    } catch (cause) {
      throw new StartError(
        `KAWS_BOT_KEY does not load: ${(cause as Error).message}. Set it to the armored secret key \`kaws bot-key\` printed (and KAWS_BOT_KEY_PASSPHRASE if it has one).`,
      );
    }
  }
  const minutes = sweepMinutes(env.KAWS_SWEEP_MINUTES);
  const workers = workerCount(env.KAWS_WORKERS);
  return run(
    createKawsBot({
      botKey,
      botKeyPassphrase,
      sweep: minutes > 0 ? { everyMs: minutes * 60_000 } : undefined,
      lockSecret: env.WEBHOOK_SECRET,
      workers,
    }),
    {
      env: { LOG_FORMAT: "json", ...env, WEBHOOK_PATH: env.WEBHOOK_PATH || "/" },
      Octokit: options.Octokit ?? BotOctokit,
    },
  );
}
