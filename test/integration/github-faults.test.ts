import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { erinOverHttp } from "../helpers/erin-over-http.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("waits as GitHub asks and writes again when a write meets a secondary rate limit", async () => {
  const waits: number[] = [];
  const s = await pullRequestScenario(ids(), repo(), {
    github: { sleep: async (ms) => void waits.push(ms) },
  });
  try {
    s.github.failNext("POST", /\/check-runs$/, 403, "You have exceeded a secondary rate limit.", {
      "retry-after": "7",
    });
    await s.open(s.minutes(0));
    expect(waits).toEqual([7000]);
    expect(s.github.checkRuns).toHaveLength(1);
    expect(s.verdict()!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});

it("answers at once, gives up on a GitHub request that never answers, and tries the work again", async () => {
  // a real HTTP fake on 127.0.0.1: a socket that never answers, which only a timeout ends
  const { fake, baseSha, headSha, close } = await erinOverHttp(ids(), repo().files);
  const server = await startWebhookServer({
    baseUrl: fake.url,
    github: { timeoutMs: 300 },
    logLevel: "warn",
  });
  try {
    fake.api.hangNext("GET", /\/pulls\/7\/reviews/);
    const pull = pullRequestPayload({ headSha, baseSha, author: "erin" });
    const started = performance.now();
    expect(await server.send("pull_request", pull, "d1")).toBe(200); // queued: GitHub's wait is not ours
    expect(performance.now() - started).toBeLessThan(1_000);
    await server.work.idle();
    expect(performance.now() - started).toBeLessThan(5_000); // the hung call timed out: no hang
    expect(fake.api.checkRuns).toHaveLength(1);
    expect(fake.api.checkRuns[0]!.conclusion).toBe("action_required");
    expect(server.logs.map((l) => l.msg)).toContain("work failed; trying again");
  } finally {
    await server.stop();
    await close();
  }
});

it("refuses deliveries with 503 while its queue is full, says so on /healthz, and takes them again after", async () => {
  const { fake, baseSha, headSha, close } = await erinOverHttp(ids(), repo().files);
  const server = await startWebhookServer({
    baseUrl: fake.url,
    github: { timeoutMs: 500 },
    capacity: 1,
    logLevel: "warn",
  });
  const health = async () => {
    const response = await fetch(`${server.url}/healthz`, { headers: { connection: "close" } });
    return { status: response.status, body: (await response.json()) as { status: string } };
  };
  try {
    fake.api.hangNext("GET", /\/pulls\/7\/reviews/); // the first delivery's work holds the one place
    const pull = pullRequestPayload({ headSha, baseSha, author: "erin" });
    expect(await server.send("pull_request", pull, "d1")).toBe(200);
    expect(await server.send("pull_request", { ...pull, action: "reopened" }, "d2")).toBe(503);
    expect(await health()).toMatchObject({ status: 503, body: { status: "saturated" } });
    expect(server.logs.map((l) => l.msg)).toContain("work queue full: refusing a delivery");
    await server.work.idle();
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(await server.send("pull_request", { ...pull, action: "reopened" }, "d2")).toBe(200); // GitHub's redelivery
    await server.work.idle();
    expect(fake.api.checkRuns.at(-1)?.conclusion).toBe("action_required");
  } finally {
    await server.stop();
    await close();
  }
});

it("paces writes per installation, as GitHub asks: one organisation's writes never wait for another's", async () => {
  // two pull requests, each delivered for its own installation, judged at once; Probot's own client
  // (throttling on: about one write a second per installation)
  const { fake, baseSha, headSha, close } = await erinOverHttp(ids(), repo().files);
  const server = await startWebhookServer({ baseUrl: fake.url, production: true, logLevel: "warn" });
  try {
    const pullFor = (number: number, installation: number) => {
      const pull = pullRequestPayload({ headSha, baseSha, author: "erin", number });
      return { ...pull, installation: { ...pull.installation, id: installation } };
    };
    const started = Date.now();
    await Promise.all([
      server.send("pull_request", pullFor(7, 1001), "a"),
      server.send("pull_request", pullFor(8, 1002), "b"),
    ]);
    await server.work.idle();
    const writes = fake.api.calls.filter((c) => c.method !== "GET" && !c.path.includes("access_tokens"));
    const first = (pull: number) =>
      writes.find(
        (c) =>
          c.path.endsWith(`/issues/${pull}/comments`) ||
          String(JSON.stringify(c.body)).includes(`kaws-bot:${pull}:`),
      )!.at!;
    // one pace for both would space any two writes a second apart
    expect(Math.abs(first(7) - first(8))).toBeLessThan(900);
    // while each installation's own writes are a second apart
    const mine = writes.filter(
      (c) => c.path.endsWith("/issues/7/comments") || String(JSON.stringify(c.body)).includes("kaws-bot:7:"),
    );
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine[1]!.at! - mine[0]!.at!).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(30_000);
  } finally {
    await server.stop();
    await close();
  }
});
