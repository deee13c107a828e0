import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRepo, type BuiltRepo } from "../helpers/build-repo.js";
import { fakeGitHub } from "../helpers/fake-github.js";
import { FakeRepo } from "../helpers/fake-repo.js";
import { identities, type Identities } from "../helpers/identities.js";
import { makeCsr } from "../helpers/openssl.js";
import { pullRequestPayload, startWebhookServer } from "../helpers/probot.js";

let ids: Identities;
let built: BuiltRepo;
let server: Awaited<ReturnType<typeof startWebhookServer>>;
let github: ReturnType<typeof fakeGitHub>;
let payload: ReturnType<typeof pullRequestPayload>;

beforeAll(async () => {
  ids = identities();
  built = await buildRepo(ids);
  const repo = new FakeRepo();
  const baseSha = repo.commit(built.files);
  const { csr } = makeCsr("/CN=carol/O=developers");
  const headSha = repo.commit({
    ...built.files,
    "pubkeys/carol.asc": ids.carol.exportPublic(),
    "clusters/prod/admins/carol.csr": csr,
    "clusters/prod/admins/carol.csr.asc": ids.carol.detachSign(csr),
  });
  const carol = { key_id: "k", raw_key: ids.carol.exportPublic().toString(), subkeys: [] };
  github = fakeGitHub({ repo, defaultSha: baseSha, mergeBaseSha: baseSha, gpgKeys: { carol: [carol] } });
  payload = pullRequestPayload({ headSha, baseSha });
  server = await startWebhookServer({ now: () => built.now, secret: "e2e-webhook-secret" });
});
afterAll(async () => {
  await server.stop();
  nock.cleanAll();
});

describe("webhooks over real HTTP, signed with X-Hub-Signature-256", () => {
  it("rejects a forged or unsigned delivery with 400 and makes no API call", async () => {
    expect(await server.deliver("pull_request", payload, "forged-1", "not-the-secret")).toBe(400);
    const unsigned = await fetch(`${server.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "forged-2",
      },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(400);
    expect(github.calls).toEqual([]);
  });

  it("processes a valid delivery: one check run and one comment", async () => {
    expect(await server.deliver("pull_request", payload, "delivery-e2e-1")).toBe(200);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]!.conclusion).toBe("action_required");
    expect(github.comments).toHaveLength(1);
  });

  it("makes no call at all for a replayed delivery", async () => {
    const before = github.calls.length;
    expect(await server.deliver("pull_request", payload, "delivery-e2e-1")).toBe(200);
    expect(github.calls.length).toBe(before);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
  });

  it("never logs the installation token, a private key or a whole payload", () => {
    const text = JSON.stringify(server.logs);
    expect(server.logs.some((line) => line.msg === "evaluated pull request")).toBe(true);
    expect(text).not.toContain("ghs_test-installation-token");
    expect(text).not.toMatch(/PRIVATE KEY|PGP PRIVATE KEY BLOCK/);
    expect(text).not.toContain("BEGIN PGP PUBLIC KEY BLOCK");
  });

  it("answers health checks on GET", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "ok",
      queue: { waiting: 0, running: 0, retrying: 0, saturated: false, failed: 0 },
    });
    expect(await (await fetch(`${server.url}/ping`)).text()).toBe("PONG");
  });
});
