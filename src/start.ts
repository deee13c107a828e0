import { run } from "probot";
import { createKawsBot } from "./app.js";

// Without APP_ID/PRIVATE_KEY/WEBHOOK_SECRET, Probot serves its setup page, which creates the app from app.yml.
await run(
  createKawsBot({
    botKey: process.env.KAWS_BOT_KEY || undefined,
    botKeyPassphrase: process.env.KAWS_BOT_KEY_PASSPHRASE || undefined,
  }),
);
