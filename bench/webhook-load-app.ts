// Child process of the load bench: the app alone behind Probot's server, with Probot's own Octokit
// (throttling and retries on), so that its peak memory is the app's and not the bench's.
// argv: the fake GitHub's URL, the webhook secret. It says where it listens; asked to drain, it
// waits until its work is done and reports its queue's counts, its warnings, the longest its event
// loop was held (a webhook waits that long to be answered) and its peak RSS.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startWebhookServer } from "../test/helpers/probot.js";

const [baseUrl, secret] = process.argv.slice(2);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
// KAWS_WORKERS as `npm start` reads it (default: one worker thread per core, at most 4)
const workers = process.env.KAWS_WORKERS ? Number(process.env.KAWS_WORKERS) : undefined;
const server = await startWebhookServer({ baseUrl, secret, logLevel: "warn", production: true, workers });
process.send!({ type: "listening", url: server.url });

process.once("message", async () => {
  await server.work.idle();
  const warnings: Record<string, number> = {};
  for (const line of server.logs) {
    const cause = (line.err as { message?: string } | undefined)?.message;
    const key = cause === undefined ? String(line.msg) : `${String(line.msg)}: ${cause}`;
    warnings[key] = (warnings[key] ?? 0) + 1;
  }
  process.send!({
    type: "drained",
    queue: server.work.stats(),
    warnings,
    eventLoopMaxMs: loopDelay.max / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  });
  await server.stop();
  process.disconnect();
});
