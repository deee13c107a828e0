import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { FakeRepo } from "../helpers/fake-repo.js";
import { startFakeGitHubServer } from "../helpers/fake-github-server.js";
import { pullRequestPayload, startWebhookServer } from "../helpers/probot.js";
import { registeredKey } from "../helpers/pull-request-fixture.js";
import { erinRequest, pullRequestScenario } from "../helpers/pull-request-scenario.js";
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

it("gives up on a GitHub request that never answers, and the next delivery does the work", async () => {
  // a real HTTP fake on 127.0.0.1: a socket that never answers, which only a timeout ends
  const repoObjects = new FakeRepo();
  const baseSha = repoObjects.commit(repo().files);
  const headSha = repoObjects.commit({ ...repo().files, ...erinRequest(ids()) });
  const fake = await startFakeGitHubServer({
    repo: repoObjects,
    defaultSha: baseSha,
    mergeBaseSha: baseSha,
    gpgKeys: { erin: [registeredKey(ids().mallory)] },
  });
  const server = await startWebhookServer({
    baseUrl: fake.url,
    github: { timeoutMs: 300 },
    logLevel: "silent",
  });
  try {
    fake.api.hangNext("GET", /\/pulls\/7\/reviews/);
    const pull = pullRequestPayload({ headSha, baseSha, author: "erin" });
    const started = performance.now();
    expect(await server.deliver("pull_request", pull, "d1")).toBe(504); // "GitHub did not answer": an error, not a hang
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(fake.api.checkRuns).toHaveLength(0);
    expect(await server.deliver("pull_request", { ...pull, action: "reopened" }, "d2")).toBe(200);
    expect(fake.api.checkRuns.at(-1)?.conclusion).toBe("action_required");
  } finally {
    await server.stop();
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  }
});
