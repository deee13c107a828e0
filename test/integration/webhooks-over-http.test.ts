import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { Probot, Server } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKawsBot } from "../../src/app.js";
import { buildRepo, type BuiltRepo } from "../helpers/build-repo.js";
import { fakeGitHub } from "../helpers/fake-github.js";
import { FakeRepo } from "../helpers/fake-repo.js";
import { identities, type Identities } from "../helpers/identities.js";
import { makeCsr } from "../helpers/openssl.js";
import { APP_PRIVATE_KEY, captureLogs, pullRequestPayload, TestOctokit } from "../helpers/probot.js";

const SECRET = "e2e-webhook-secret";
let ids: Identities;
let built: BuiltRepo;
let server: Server;
let url: string;
let github: ReturnType<typeof fakeGitHub>;
let payload: string;
let logs: Record<string, unknown>[];

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
  github = fakeGitHub({
    repo,
    defaultSha: baseSha,
    mergeBaseSha: baseSha,
    gpgKeys: { carol: [{ key_id: "k", raw_key: ids.carol.exportPublic().toString(), subkeys: [] }] },
  });
  payload = JSON.stringify(pullRequestPayload({ headSha, baseSha }));
  const captured = captureLogs("debug");
  const log = captured.log;
  logs = captured.lines;
  server = new Server({
    Probot: Probot.defaults({
      appId: 123,
      privateKey: APP_PRIVATE_KEY,
      secret: SECRET,
      Octokit: TestOctokit,
      log,
    }),
    host: "127.0.0.1",
    port: 0,
    log,
  });
  await server.load(createKawsBot({ now: () => built.now }));
  const http = await server.start();
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.stop();
  nock.cleanAll();
});

function deliver(
  body: string,
  delivery: string,
  signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
) {
  return fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": delivery,
      "x-hub-signature-256": signature,
    },
    body,
  });
}

describe("webhooks over real HTTP, signed with X-Hub-Signature-256", () => {
  it("rejects a forged delivery with 400 and makes no API call", async () => {
    const forged = await deliver(
      payload,
      "forged-1",
      `sha256=${createHmac("sha256", "not-the-secret").update(payload).digest("hex")}`,
    );
    expect(forged.status).toBe(400);
    const unsigned = await deliver(payload, "forged-2", "");
    expect(unsigned.status).toBe(400);
    expect(github.calls).toEqual([]);
  });

  it("processes a valid delivery: one check run and one comment", async () => {
    const response = await deliver(payload, "delivery-e2e-1");
    expect(response.status).toBe(200);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]!.conclusion).toBe("action_required");
    expect(github.comments).toHaveLength(1);
  });

  it("makes no call at all for a replayed delivery", async () => {
    const before = github.calls.length;
    const replay = await deliver(payload, "delivery-e2e-1");
    expect(replay.status).toBe(200);
    expect(github.calls.length).toBe(before);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
  });

  it("never logs the installation token, a private key or a whole payload", () => {
    const text = JSON.stringify(logs);
    expect(logs.some((line) => line.msg === "evaluated pull request")).toBe(true);
    expect(text).not.toContain("ghs_test-installation-token");
    expect(text).not.toMatch(/PRIVATE KEY|PGP PRIVATE KEY BLOCK/);
    expect(text).not.toContain("BEGIN PGP PUBLIC KEY BLOCK");
  });

  it("answers health checks on GET", async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${url}/ping`)).text()).toBe("PONG");
  });
});
