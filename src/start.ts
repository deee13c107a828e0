import { run } from "probot";
import kawsBot from "./app.js";

// Without APP_ID/PRIVATE_KEY/WEBHOOK_SECRET, Probot serves its setup page, which creates the app from app.yml.
await run(kawsBot);
