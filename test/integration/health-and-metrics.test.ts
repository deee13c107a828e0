import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { pullRequestPayload, startWebhookServer } from "../helpers/probot.js";
import { erinOverHttp } from "../helpers/erin-over-http.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/** The app served over HTTP against a fake GitHub on 127.0.0.1, with a PR of erin's to deliver. */
async function served(options: { botKey?: string } = {}) {
  const { fake, baseSha, headSha, close } = await erinOverHttp(ids(), repo().files);
  const server = await startWebhookServer({ baseUrl: fake.url, botKey: options.botKey, logLevel: "info" });
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { connection: "close" } });
    return { status: response.status, text: await response.text() };
  };
  const stop = async () => {
    await server.stop();
    await close();
  };
  return { fake, server, get, stop, pull: pullRequestPayload({ headSha, baseSha, author: "erin" }) };
}

describe("/healthz", () => {
  it("is 200 when the bot key loads and GitHub answers the app", async () => {
    const s = await served({ botKey: ids().bot.exportSecret() });
    try {
      const health = await s.get("/healthz");
      expect(health.status).toBe(200);
      expect(JSON.parse(health.text)).toMatchObject({ status: "ok", problems: [] });
    } finally {
      await s.stop();
    }
  });

  it("is 503, saying why, when the bot key does not load — and never shows the key", async () => {
    const garbage = ids()
      .bot.exportSecret()
      .replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!not-base64!!!!!!");
    const s = await served({ botKey: garbage });
    try {
      const health = await s.get("/healthz");
      expect(health.status).toBe(503);
      const body = JSON.parse(health.text) as { status: string; problems: string[] };
      expect(body.status).toBe("failing");
      expect(body.problems).toEqual([expect.stringContaining("the bot key (KAWS_BOT_KEY) does not load: ")]);
      expect(health.text).not.toMatch(/PGP PRIVATE KEY BLOCK|not-base64/);
    } finally {
      await s.stop();
    }
  });

  it("is 503, saying why, when GitHub does not answer the app", async () => {
    const s = await served();
    try {
      s.fake.api.failNext("GET", /^\/app$/, 500, "GitHub is down (injected)");
      const health = await s.get("/healthz");
      expect(health.status).toBe(503);
      expect(JSON.parse(health.text).problems).toEqual([
        "GitHub does not answer the app: HTTP 500: GitHub is down (injected)",
      ]);
    } finally {
      await s.stop();
    }
  });
});

describe("/metrics and the logs", () => {
  it("counts deliveries, work, GitHub errors and the queue, and logs each piece of work with its delivery", async () => {
    const s = await served();
    try {
      s.fake.api.failNext("GET", /\/pulls\/7\/reviews/, 502); // the work fails once, then is tried again
      expect(await s.server.deliver("pull_request", s.pull, "delivery-1")).toBe(200);
      expect(await s.server.deliver("pull_request", s.pull, "delivery-1")).toBe(200); // the same again
      const metrics = await s.get("/metrics");
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('kaws_deliveries_total{event="pull_request.opened",outcome="queued"} 1');
      expect(metrics.text).toContain(
        'kaws_deliveries_total{event="pull_request.opened",outcome="duplicate"} 1',
      );
      expect(metrics.text).toMatch(
        /kaws_work_duration_seconds_count\{kind="evaluate",outcome="failed"\} 1\n/,
      );
      expect(metrics.text).toMatch(/kaws_work_duration_seconds_count\{kind="evaluate",outcome="done"\} 1\n/);
      expect(metrics.text).toContain('kaws_github_errors_total{status="502"} 1');
      expect(metrics.text).toContain("kaws_queue_waiting 0");
      const done = s.server.logs.filter((line) => line.msg === "work done");
      expect(done.map((line) => line.outcome)).toEqual(["failed", "done"]);
      expect(done[1]).toMatchObject({
        delivery: "delivery-1",
        event: "pull_request.opened",
        repository: "acme/cluster-keys",
        work: "evaluate acme/cluster-keys#7",
        durationMs: expect.any(Number),
        apiCalls: expect.any(Number),
      });
      expect(done[1]!.apiCalls as number).toBeGreaterThan(5);
    } finally {
      await s.stop();
    }
  });
});
