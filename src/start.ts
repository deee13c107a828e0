import { run } from "probot";
import { createKawsBot } from "./app.js";

/** Minutes between sweeps of every installed default branch (KAWS_SWEEP_MINUTES; 0: none). */
function sweepMinutes(value: string | undefined): number {
  if (value === undefined || value === "") return 60;
  const minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new Error(`KAWS_SWEEP_MINUTES must be a number of minutes (0 turns the sweep off), not "${value}"`);
  return minutes;
}

const minutes = sweepMinutes(process.env.KAWS_SWEEP_MINUTES);

// Without APP_ID/PRIVATE_KEY/WEBHOOK_SECRET, Probot serves its setup page, which creates the app from app.yml.
await run(
  createKawsBot({
    botKey: process.env.KAWS_BOT_KEY || undefined,
    botKeyPassphrase: process.env.KAWS_BOT_KEY_PASSPHRASE || undefined,
    sweep: minutes > 0 ? { everyMs: minutes * 60_000 } : undefined,
  }),
);
