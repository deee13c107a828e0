import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Probot } from "probot";
import { expect, it } from "vitest";
import { BotOctokit } from "../../src/github/bot-octokit.js";
import { hardenClient } from "../../src/github/harden-client.js";
import { APP_PRIVATE_KEY } from "../helpers/probot.js";

it("never sends a workflow dispatch twice by itself after a 502: the failure goes to the caller", async () => {
  const received: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.url?.includes("access_tokens")) {
        response.writeHead(201, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            token: "ghs_test",
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            permissions: {},
          }),
        );
        return;
      }
      received.push(`${request.method} ${request.url}`);
      // GitHub took the dispatch, then its front end answered 502
      response.writeHead(502, { "content-type": "application/json" });
      response.end(JSON.stringify({ message: "Server Error" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probot = new Probot({
      appId: 1,
      privateKey: APP_PRIVATE_KEY,
      baseUrl,
      Octokit: BotOctokit,
      logLevel: "fatal",
    });
    const octokit = hardenClient(await probot.auth(4242));
    const dispatch = octokit.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      {
        owner: "acme",
        repo: "cluster-keys",
        workflow_id: "provision.yml",
        ref: "main",
        inputs: { cluster: "prod", ref: "0".repeat(40) },
      },
    );
    await expect(dispatch).rejects.toMatchObject({ status: 502 });
    expect(received).toEqual(["POST /repos/acme/cluster-keys/actions/workflows/provision.yml/dispatches"]);
  } finally {
    server.close();
  }
}, 30_000);

it("never sends later a write it gave up on while it waited in the throttle queue (the work is tried again instead)", async () => {
  const received: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push(body);
      response.writeHead(201, { "content-type": "application/json" });
      response.end(JSON.stringify({ state: "pending" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Probot's throttle spaces writes a second apart: the second and third wait past the timeout
    const octokit = hardenClient(new BotOctokit({ auth: "token test", baseUrl, log: quietLog }), {
      timeoutMs: 300,
    });
    const statuses = ["first", "second", "third"].map((description) =>
      octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
        owner: "acme",
        repo: "cluster-keys",
        sha: "0".repeat(40),
        state: "pending",
        description,
      }),
    );
    const settled = await Promise.allSettled(statuses);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "rejected"]);
    expect(settled[1]).toMatchObject({ reason: { status: 504 } });
    await new Promise((resolve) => setTimeout(resolve, 2_300)); // when the throttle would have sent them
    expect(received.map((body) => JSON.parse(body).description)).toEqual(["first"]);
  } finally {
    server.close();
  }
}, 30_000);

const quiet = () => undefined;
const quietLog = { debug: quiet, info: quiet, warn: quiet, error: quiet };
