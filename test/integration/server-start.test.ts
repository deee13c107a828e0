import { createHmac } from "node:crypto";
import nock from "nock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startServer, StartError } from "../../src/server.js";
import { APP_PRIVATE_KEY, freePort, pullRequestPayload, TestOctokit } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";
import { erinRequest } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/** The environment `npm start` reads, on a free port of 127.0.0.1. */
async function environment(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  return {
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
    LOG_LEVEL: "fatal",
    KAWS_SWEEP_MINUTES: "0",
    ...extra,
  };
}

describe("npm start", () => {
  it("refuses to start with a bot key that does not load, saying which variable, never the key", async () => {
    const garbage = ids()
      .bot.exportSecret()
      .replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!not-base64!!!!!!");
    const env = await environment({
      APP_ID: "123",
      PRIVATE_KEY: APP_PRIVATE_KEY,
      WEBHOOK_SECRET: "s",
      KAWS_BOT_KEY: garbage,
    });
    const refusal = await startServer(env, { Octokit: TestOctokit }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(StartError);
    expect((refusal as Error).message).toMatch(
      /^KAWS_BOT_KEY does not load: .+ Set it to the armored secret key/,
    );
    expect((refusal as Error).message).not.toMatch(/PGP PRIVATE KEY BLOCK|not-base64/);
  });

  it.each(["-1", "two", "1.5"])("refuses KAWS_WORKERS=%s, saying what it takes", async (workers) => {
    const env = await environment({ APP_ID: "123", PRIVATE_KEY: APP_PRIVATE_KEY, WEBHOOK_SECRET: "s" });
    const refusal = await startServer({ ...env, KAWS_WORKERS: workers }, { Octokit: TestOctokit }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(StartError);
    expect((refusal as Error).message).toBe(
      `KAWS_WORKERS must be a whole number of worker threads from 0 to 64, not "${workers}"`,
    );
  });

  it("registers, through Probot's setup page, the webhook URL it then serves, with app.yml's permissions", async () => {
    // 1. no credentials: Probot's setup page offers the app manifest to register
    vi.stubEnv("NO_SMEE_SETUP", "true"); // no webhook proxy channel (no network here)
    const setupEnv = await environment();
    const setup = await startServer(setupEnv, { Octokit: TestOctokit });
    let manifest: { hook_attributes: { url: string }; default_permissions: Record<string, string> };
    try {
      const page = await (await fetch(`http://127.0.0.1:${setupEnv.PORT}/probot`)).text();
      manifest = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(page)![1]!);
    } finally {
      await setup.stop();
      vi.unstubAllEnvs();
    }
    expect(manifest.default_permissions).toMatchObject({ statuses: "write", checks: "write" });
    const hookPath = new URL(manifest.hook_attributes.url).pathname;

    // 2. with the credentials GitHub gave: a signed delivery to that path is the bot's work
    const fixture = pullRequestFixture(
      repo().files,
      { files: erinRequest(ids()) },
      { erin: [registeredKey(ids().mallory)] },
    );
    const env = await environment({
      APP_ID: "123",
      PRIVATE_KEY: APP_PRIVATE_KEY,
      WEBHOOK_SECRET: "hook-secret",
    });
    const server = await startServer(env, { Octokit: TestOctokit });
    try {
      const body = JSON.stringify(
        pullRequestPayload({ headSha: fixture.headSha, baseSha: fixture.baseSha, author: "erin" }),
      );
      const response = await fetch(`http://127.0.0.1:${env.PORT}${hookPath}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          connection: "close",
          "x-github-event": "pull_request",
          "x-github-delivery": "first-delivery",
          "x-hub-signature-256": `sha256=${createHmac("sha256", "hook-secret").update(body).digest("hex")}`,
        },
        body,
      });
      expect(response.status).toBe(200);
      await vi.waitFor(() => expect(fixture.github.checkRuns).toHaveLength(1), {
        timeout: 10_000,
        interval: 50,
      });
      expect(fixture.github.checkRuns[0]!.conclusion).toBe("action_required");
      const health = await fetch(`http://127.0.0.1:${env.PORT}/healthz`, {
        headers: { connection: "close" },
      });
      expect(health.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
