import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { Probot, ProbotOctokit, Server } from "probot";
import { pino } from "pino";
import { Writable } from "node:stream";
import { createKawsBot } from "../../src/app.js";
import type { HardeningOptions } from "../../src/github/harden-client.js";
import { BotOctokit } from "../../src/github/bot-octokit.js";
import { WorkQueue } from "../../src/github/work-queue.js";

/** Failed work is tried again after these waits in tests (the bot waits seconds). */
export const TEST_RETRY_DELAYS_MS = [20, 40, 80];
import type { RefLockTimings } from "../../src/github/ref-lock.js";
import { defaultWorkerCount } from "../../src/core/worker/change-evaluator.js";

/** The GitHub App's own key for tests: made in memory at test time, never written anywhere. */
export const APP_PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

/** Retries and throttling off, or a failing request waits ~3 s (the object form is silently overridden). */
export const TestOctokit = ProbotOctokit.defaults((options: object) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

/** Every log line the app writes, as parsed JSON, to assert on. */
export function captureLogs(level = "debug") {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { log: pino({ level }, stream), lines };
}

/**
 * The app in a Probot without a server. A delivery is answered as soon as its work is queued, so
 * `receive` here also waits until the work (and its retries) is done, as a test means it.
 */
export async function testProbot(options: { now?: () => Date; logLevel?: string } = {}) {
  const { log, lines } = captureLogs(options.logLevel);
  const work = new WorkQueue({ log, retryDelaysMs: TEST_RETRY_DELAYS_MS });
  const probot = new Probot({
    appId: 123,
    privateKey: APP_PRIVATE_KEY,
    secret: "test-webhook-secret",
    Octokit: TestOctokit,
    log,
  });
  await probot.load(createKawsBot({ now: options.now, work }));
  const receive = probot.receive.bind(probot);
  probot.receive = async (event) => {
    await receive(event);
    await work.idle();
  };
  return { probot, logs: lines, work };
}

export function pullRequestPayload(overrides: {
  action?: string;
  number?: number;
  headSha: string;
  baseSha: string;
  author?: string;
  /** For a synchronize: the head before the push. */
  before?: string;
  /** Who sent the delivery (default: the author). */
  sender?: string;
}) {
  const payload = JSON.parse(
    readFileSync(new URL("../fixtures/pull_request.opened-payload.json", import.meta.url), "utf8"),
  );
  payload.action = overrides.action ?? "opened";
  payload.number = payload.pull_request.number = overrides.number ?? 7;
  payload.pull_request.html_url = `https://github.com/acme/cluster-keys/pull/${payload.number}`;
  payload.pull_request.head.sha = overrides.headSha;
  payload.pull_request.base.sha = overrides.baseSha;
  if (overrides.author) payload.pull_request.user.login = payload.sender.login = overrides.author;
  if (overrides.sender) payload.sender.login = overrides.sender;
  if (overrides.before) payload.before = overrides.before;
  return payload;
}

/** A port free on 127.0.0.1 now: Probot's Server turns `port: 0` into 3000, so tests choose their own. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** POST a delivery to the app's webhook path, signed with X-Hub-Signature-256 as GitHub does; its HTTP status. */
export async function postDelivery(
  url: string,
  secret: string,
  event: string,
  body: string,
  delivery: string,
): Promise<number> {
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      // no keep-alive: a later test's server may get this port, and a pooled socket would be stale
      connection: "close",
      "x-github-event": event,
      "x-github-delivery": delivery,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  });
  await response.text();
  return response.status;
}

/** The app behind Probot's real HTTP server on 127.0.0.1, and a way to send it signed deliveries. */
export async function startWebhookServer(
  options: {
    now?: () => Date;
    secret?: string;
    baseUrl?: string;
    logLevel?: string;
    botKey?: string;
    github?: HardeningOptions;
    /** How much work the app's queue holds before it refuses deliveries. */
    capacity?: number;
    sweepEveryMs?: number;
    locks?: RefLockTimings;
    /** Worker threads for evaluations, as `npm start` runs them (none: in the test's thread). */
    workers?: number;
    /**
     * GitHub as the bot meets it (the load bench): Probot's own Octokit, its throttling (about one
     * write a second per installation) and retries on, and the queue's own waits between attempts.
     */
    production?: boolean;
  } = {},
) {
  const secret = options.secret ?? "test-webhook-secret";
  const { log, lines } = captureLogs(options.logLevel ?? "debug");
  const work = new WorkQueue({
    log,
    capacity: options.capacity,
    retryDelaysMs: options.production ? undefined : TEST_RETRY_DELAYS_MS,
  });
  const sweeping = new AbortController();
  const server = new Server({
    Probot: Probot.defaults({
      appId: 123,
      privateKey: APP_PRIVATE_KEY,
      secret,
      Octokit: options.production ? BotOctokit : TestOctokit,
      log,
      baseUrl: options.baseUrl,
    }),
    host: "127.0.0.1",
    port: await freePort(),
    log,
  });
  await server.load(
    createKawsBot({
      now: options.now,
      botKey: options.botKey,
      github: options.github,
      work,
      locks: options.locks,
      // as startServer does: replicas of one app share the webhook secret, and so each other's locks
      lockSecret: secret,
      // as `npm start` runs: evaluations on one worker thread per core
      workers: options.workers ?? (options.production ? defaultWorkerCount() : 0),
      sweep:
        options.sweepEveryMs === undefined
          ? undefined
          : { everyMs: options.sweepEveryMs, firstAfterMs: options.sweepEveryMs, signal: sweeping.signal },
    }),
  );
  const http = await server.start();
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  /** Send a signed delivery; its answer comes as soon as the work is queued. */
  const send = (event: string, payload: unknown, delivery: string, signWith = secret) =>
    postDelivery(url, signWith, event, JSON.stringify(payload), delivery);
  /** Send a signed delivery and wait until its work (and any retry) is done. */
  const deliver = async (event: string, payload: unknown, delivery: string, signWith = secret) => {
    const status = await send(event, payload, delivery, signWith);
    await work.idle();
    return status;
  };
  const stop = async () => {
    sweeping.abort();
    work.close();
    await server.stop();
  };
  return { url, send, deliver, work, logs: lines, stop };
}

/** A `pull_request_review` delivery, shaped as GitHub sends it. */
export function reviewPayload(options: {
  action?: string;
  pull: ReturnType<typeof pullRequestPayload>;
  reviewer: string;
  state: string;
  commitId: string;
  body?: string;
  at: Date;
  id?: number;
}) {
  const user = { login: options.reviewer, id: 7000, type: "User" };
  return {
    action: options.action ?? "submitted",
    review: {
      id: options.id ?? 9001,
      user,
      body: options.body ?? "",
      commit_id: options.commitId,
      submitted_at: options.at.toISOString(),
      state: options.state,
      html_url: `${options.pull.pull_request.html_url}#pullrequestreview-9001`,
      author_association: "MEMBER",
    },
    pull_request: options.pull.pull_request,
    repository: options.pull.repository,
    organization: options.pull.organization,
    installation: options.pull.installation,
    sender: user,
  };
}

/** An `issue_comment` delivery on a pull request, shaped as GitHub sends it. */
export function commentPayload(options: {
  action?: string;
  pull: ReturnType<typeof pullRequestPayload>;
  id: number;
  login: string;
  body: string;
  at: Date;
  editedAt?: Date;
  /** For an edit: the body before it (GitHub sends `changes.body.from`). */
  from?: string;
}) {
  const user = { login: options.login, id: 7100, type: "User" };
  const pr = options.pull.pull_request;
  return {
    action: options.action ?? "created",
    issue: {
      number: pr.number,
      title: pr.title,
      user: pr.user,
      state: "open",
      pull_request: { url: pr.url, html_url: pr.html_url },
      html_url: pr.html_url,
    },
    comment: {
      id: options.id,
      body: options.body,
      user,
      created_at: options.at.toISOString(),
      updated_at: (options.editedAt ?? options.at).toISOString(),
      html_url: `${pr.html_url}#issuecomment-${options.id}`,
      author_association: "MEMBER",
    },
    ...(options.from === undefined ? {} : { changes: { body: { from: options.from } } }),
    repository: options.pull.repository,
    organization: options.pull.organization,
    installation: options.pull.installation,
    sender: user,
  };
}

/** A `push` delivery to the default branch, shaped as GitHub sends it. */
export function pushPayload(options: {
  pull: ReturnType<typeof pullRequestPayload>;
  before: string;
  after: string;
  commits: { id: string; added?: string[]; modified?: string[]; removed?: string[] }[];
}) {
  const sender = { login: "dave", id: 7200, type: "User" };
  return {
    ref: "refs/heads/main",
    before: options.before,
    after: options.after,
    created: false,
    deleted: false,
    forced: false,
    commits: options.commits.map((c) => ({
      id: c.id,
      message: "merge",
      timestamp: new Date().toISOString(),
      distinct: true,
      added: c.added ?? [],
      modified: c.modified ?? [],
      removed: c.removed ?? [],
      author: { name: "dave", email: "dave@example.test" },
    })),
    head_commit: null,
    pusher: { name: "dave", email: "dave@example.test" },
    repository: {
      ...options.pull.repository,
      owner: { ...options.pull.repository.owner, name: options.pull.repository.owner.login },
    },
    organization: options.pull.organization,
    installation: options.pull.installation,
    sender,
  };
}
