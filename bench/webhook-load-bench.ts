import { spawn } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { STICKY_MARKER } from "../src/core/report/sticky-comment.js";
import type { WorkQueueStats } from "../src/github/work-queue.js";
import { BOT_APP } from "../test/helpers/fake-github-api.js";
import { startFakeGitHubServer } from "../test/helpers/fake-github-server.js";
import type { FakeRepo } from "../test/helpers/fake-repo.js";
import { APP_PRIVATE_KEY, postDelivery } from "../test/helpers/probot.js";
import { percentile } from "./percentile.js";
import { loadDeliveries, type LoadDelivery } from "./webhook-load-deliveries.js";
import { buildLoadPullRequests, type LoadPullRequest } from "./webhook-load-pulls.js";

const SECRET = "bench-load-secret";
const APP = fileURLToPath(new URL("./webhook-load-app.js", import.meta.url));

export interface LoadRun {
  readonly installations: number;
  readonly pulls: number;
  readonly deliveries: number;
  /** The webhook's HTTP answer, seen by the sender: the app answers once the work is queued. */
  readonly answerP50Ms: number;
  readonly answerP99Ms: number;
  /** From the first delivery sent until the app's queue is idle (every evaluation and retry done). */
  readonly drainMs: number;
  /** The app's process alone (the fake GitHub and the sender are in the bench's). */
  readonly peakRssMiB: number;
  /** Of it, the main thread's V8 heap and the memory outside it (buffers) at their largest. */
  readonly mainHeapMiB: number;
  readonly mainExternalMiB: number;
  /** Pull requests whose head has no check run of the app at the end. */
  readonly lost: number;
  /** Heads with more than one check run of the app, and PRs with more than one sticky comment. */
  readonly duplicated: number;
  /** Deliveries refused with 503 (the queue full). */
  readonly refused: number;
  /** GitHub API calls (token exchanges excluded) and, of them, writes (check runs, comments). */
  readonly calls: number;
  readonly writes: number;
  /** The longest the app's event loop was held: no webhook is answered meanwhile. */
  readonly eventLoopMaxMs: number;
  /** The same in the bench's process while it sent (the sender and the fake GitHub): its share of the answers' time. */
  readonly senderLoopMaxMs: number;
  readonly queue: WorkQueueStats;
  readonly warnings: Record<string, number>;
}

/**
 * 500 signed deliveries, 50 in flight, over real HTTP to the real app in a process of its own, with
 * Probot's own Octokit, against the fake GitHub on 127.0.0.1 answering at once: once with the PRs
 * spread over 50 installations, once all on one. Probot's throttling paces writes and GraphQL
 * queries at one a second, and writes that notify people (comments) at one per 3 s, as GitHub asks
 * of each client. Probot 14.3.2 keys that pace by installation only for `app.auth(id)` clients: a
 * webhook's `context.octokit`, which the app uses, carries no installation id, so every
 * installation of the process shares one pace. `singleInstallationPulls` makes the second run smaller.
 */
export async function benchWebhookLoad(
  repoDir: string,
  gnupgHome: string,
  options = { deliveries: 500, inFlight: 50, pulls: 50, singleInstallationPulls: 50 },
): Promise<LoadRun[]> {
  const { repo, baseSha, pulls } = await buildLoadPullRequests(repoDir, gnupgHome, options.pulls);
  const spread = await loadRun(repo, baseSha, pulls, options.pulls, options);
  const single = await loadRun(repo, baseSha, pulls.slice(0, options.singleInstallationPulls), 1, options);
  return [spread, single];
}

async function loadRun(
  repo: FakeRepo,
  baseSha: string,
  pulls: readonly LoadPullRequest[],
  installations: number,
  options: { deliveries: number; inFlight: number },
): Promise<LoadRun> {
  const fake = await startFakeGitHubServer({ repo, defaultSha: baseSha, mergeBaseSha: baseSha });
  const app = await startApp(fake.url);
  const deliveries = loadDeliveries(
    pulls,
    baseSha,
    options.deliveries,
    (index) => 5000 + (index % installations),
    `load-${installations}`,
  );
  try {
    const senderLoop = monitorEventLoopDelay({ resolution: 10 });
    senderLoop.enable();
    const started = performance.now();
    const answers = await sendAll(app.url, deliveries, options.inFlight, fake.api);
    senderLoop.disable();
    const drained = await app.drain();
    const drainMs = performance.now() - started;
    const answerMs = answers.map((answer) => answer.ms);
    const calls = fake.api.apiCalls();
    const ownRuns = fake.api.checkRuns.filter((run) => run.app.id === BOT_APP.id);
    const runsPerHead = pulls.map((pull) => ownRuns.filter((run) => run.head_sha === pull.headSha).length);
    const stickyPerPull = pulls.map(
      (pull) =>
        fake.api.comments.filter((c) => c.issue === pull.number && c.body.startsWith(STICKY_MARKER)).length,
    );
    return {
      installations,
      pulls: pulls.length,
      deliveries: deliveries.length,
      answerP50Ms: percentile(answerMs, 50),
      answerP99Ms: percentile(answerMs, 99),
      drainMs,
      peakRssMiB: drained.maxRssMiB,
      mainHeapMiB: drained.mainHeapMiB,
      mainExternalMiB: drained.mainExternalMiB,
      lost: runsPerHead.filter((n) => n === 0).length,
      duplicated: runsPerHead.filter((n) => n > 1).length + stickyPerPull.filter((n) => n > 1).length,
      refused: answers.filter((a) => a.status === 503).length,
      calls: calls.length,
      writes: calls.filter((c) => c.method !== "GET" && !c.path.endsWith("graphql")).length,
      eventLoopMaxMs: drained.eventLoopMaxMs,
      senderLoopMaxMs: senderLoop.max / 1e6,
      queue: drained.queue,
      warnings: drained.warnings,
    };
  } finally {
    app.child.kill();
    fake.server.close();
  }
}

/** Send every delivery, `inFlight` at a time, each made just before it is sent; their answers. */
async function sendAll(
  url: string,
  deliveries: readonly LoadDelivery[],
  inFlight: number,
  github: Parameters<LoadDelivery["make"]>[0],
): Promise<{ ms: number; status: number }[]> {
  const answers: { ms: number; status: number }[] = [];
  let next = 0;
  const sender = async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++]!;
      const { event, payload } = delivery.make(github);
      const body = JSON.stringify(payload);
      const started = performance.now();
      const status = await postDelivery(url, SECRET, event, body, delivery.id);
      answers.push({ ms: performance.now() - started, status });
      if (status !== 200 && status !== 503)
        throw new Error(`delivery ${delivery.id} (${event}) answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, sender));
  return answers;
}

/** The app in a child process: its URL once it listens, and a way to wait until its work is done. */
async function startApp(githubUrl: string) {
  const child = spawn(process.execPath, [APP, githubUrl, SECRET], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: { ...process.env, KAWS_BENCH_APP_KEY: APP_PRIVATE_KEY },
  });
  const message = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string } & T) => {
        if (m.type !== type) return;
        child.off("message", onMessage);
        resolve(m);
      };
      child.on("message", onMessage);
      child.once("exit", (code) => reject(new Error(`the app's process exited (${code}) before "${type}"`)));
    });
  const { url } = await message<{ url: string }>("listening");
  const drain = () => {
    const drained = message<{
      queue: WorkQueueStats;
      warnings: Record<string, number>;
      eventLoopMaxMs: number;
      maxRssMiB: number;
      mainHeapMiB: number;
      mainExternalMiB: number;
    }>("drained");
    child.send({ type: "drain" });
    return drained;
  };
  return { child, url, drain };
}
