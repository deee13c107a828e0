// Child process of the load bench: the app alone behind Probot's server, plain JavaScript on the
// compiled dist/ as `npm start` runs it (tsx would add its compiler to the process and to each
// worker thread), with Probot's own Octokit (throttling and retries on), so that its peak memory is
// the app's and not the bench's.
// argv: the fake GitHub's URL, the webhook secret; env KAWS_BENCH_APP_KEY: the app's private key.
// It says where it listens; asked to drain, it waits until its work is done and reports its queue's
// counts, its warnings, the longest its event loop was held (a webhook waits that long to be
// answered) and its peak RSS.
import { createServer } from "node:net";
import { setInterval } from "node:timers";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Writable } from "node:stream";
import { pino } from "pino";
import { Probot, Server } from "probot";
import { createKawsBot } from "../dist/app.js";
import { BotOctokit } from "../dist/github/bot-octokit.js";
import { WorkQueue } from "../dist/github/work-queue.js";
import { defaultWorkerCount } from "../dist/core/worker/change-evaluator.js";

const [baseUrl, secret] = process.argv.slice(2);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

// the main thread's share of the peak: its V8 heap and the bytes outside it (buffers), at most
const peak = { heapMiB: 0, externalMiB: 0 };
setInterval(() => {
  const usage = process.memoryUsage();
  peak.heapMiB = Math.max(peak.heapMiB, usage.heapTotal / 2 ** 20);
  peak.externalMiB = Math.max(peak.externalMiB, usage.external / 2 ** 20);
}, 100).unref();

const warnings = {};
const log = pino(
  { level: "warn" },
  new Writable({
    write(chunk, _encoding, callback) {
      for (const text of chunk.toString().split("\n").filter(Boolean)) {
        const line = JSON.parse(text);
        const key = line.err?.message === undefined ? String(line.msg) : `${line.msg}: ${line.err.message}`;
        warnings[key] = (warnings[key] ?? 0) + 1;
      }
      callback();
    },
  }),
);
const work = new WorkQueue({ log });
const server = new Server({
  Probot: Probot.defaults({
    appId: 123,
    privateKey: process.env.KAWS_BENCH_APP_KEY,
    secret,
    Octokit: BotOctokit,
    log,
    baseUrl,
  }),
  host: "127.0.0.1",
  port: await freePort(),
  log,
});
// KAWS_WORKERS as `npm start` reads it (default: one worker thread per core but one, at most 4)
const workers = process.env.KAWS_WORKERS ? Number(process.env.KAWS_WORKERS) : defaultWorkerCount();
await server.load(createKawsBot({ work, lockSecret: secret, workers }));
const http = await server.start();
process.send({ type: "listening", url: `http://127.0.0.1:${http.address().port}` });

process.once("message", async () => {
  await work.idle();
  process.send({
    type: "drained",
    queue: work.stats(),
    warnings,
    eventLoopMaxMs: loopDelay.max / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    mainHeapMiB: peak.heapMiB,
    mainExternalMiB: peak.externalMiB,
  });
  await server.stop();
  process.disconnect();
});

/** Probot's Server turns port 0 into 3000: choose a free port first. */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
