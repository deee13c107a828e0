import { startServer, StartError } from "./server.js";

// Without APP_ID/PRIVATE_KEY/WEBHOOK_SECRET, Probot serves its setup page, which creates the app from app.yml.
try {
  await startServer();
} catch (error) {
  if (!(error instanceof StartError)) throw error;
  process.stderr.write(`kaws-bot: ${error.message}\n`);
  process.exitCode = 1;
}
