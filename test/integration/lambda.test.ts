import { createHmac } from "node:crypto";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { createLambdaHandler } from "../../src/lambda.js";
import { makeCsr, opensslVerify } from "../helpers/openssl.js";
import { APP_PRIVATE_KEY, pullRequestPayload, reviewPayload, TestOctokit } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";
import { squashMerge } from "../helpers/squash-merge.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo: built } = useRepo();
afterEach(() => nock.cleanAll());

const SECRET = "lambda-webhook-secret";
const minutes = (n: number) => new Date(built().now.getTime() + n * 60_000);

/** A delivery as API Gateway hands it to the function (REST API, proxy integration). */
function apiGatewayEvent(
  event: string,
  payload: unknown,
  delivery: string,
  options: { base64?: boolean; secret?: string } = {},
) {
  const body = JSON.stringify(payload);
  const signature = createHmac("sha256", options.secret ?? SECRET)
    .update(body)
    .digest("hex");
  return {
    httpMethod: "POST",
    path: "/",
    headers: {
      "Content-Type": "application/json",
      "X-GitHub-Event": event,
      "X-GitHub-Delivery": delivery,
      "X-Hub-Signature-256": `sha256=${signature}`,
    },
    body: options.base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: options.base64 === true,
  } as unknown as APIGatewayProxyEvent;
}

describe("the bot as an AWS Lambda function", () => {
  it("takes one onboarding pull request from opened to a certificate openssl accepts", async () => {
    const { csr } = makeCsr("/CN=erin/O=developers");
    const request = {
      "pubkeys/erin.asc": ids().mallory.exportPublic(),
      "clusters/prod/admins/erin.csr": csr,
      "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(csr),
    };
    const f = pullRequestFixture(built().files, { files: request }, { erin: [registeredKey(ids().mallory)] });
    const handler = createLambdaHandler(
      {
        APP_ID: "123",
        PRIVATE_KEY: APP_PRIVATE_KEY,
        WEBHOOK_SECRET: SECRET,
        KAWS_BOT_KEY: ids().bot.exportSecret(),
        LOG_LEVEL: "fatal",
      },
      { Octokit: TestOctokit },
    );
    const invoke = (event: APIGatewayProxyEvent) => handler(event, {} as Context);
    const pull = pullRequestPayload({ headSha: f.headSha, baseSha: f.baseSha, author: "erin" });

    expect((await invoke(apiGatewayEvent("pull_request", pull, "d1"))).statusCode).toBe(200);
    expect(f.github.checkRuns.at(-1)!.conclusion).toBe("action_required"); // the answer came after the work
    f.github.addReview(7, "dave", "APPROVED", f.headSha, minutes(5));
    const review = reviewPayload({
      pull,
      reviewer: "dave",
      state: "approved",
      commitId: f.headSha,
      at: minutes(5),
    });
    // API Gateway may hand the body base64-encoded
    expect(
      (await invoke(apiGatewayEvent("pull_request_review", review, "d2", { base64: true }))).statusCode,
    ).toBe(200);
    expect(f.github.checkRuns.at(-1)!.conclusion).toBe("success");

    const { squash, push } = squashMerge(f.github, f.repo, {
      pull,
      baseSha: f.baseSha,
      headSha: f.headSha,
      files: { ...built().files, ...request },
      added: Object.keys(request),
      mergedAt: minutes(10),
      message: "Add erin (#7)",
    });
    expect((await invoke(apiGatewayEvent("push", push, "d3"))).statusCode).toBe(200);

    const tip = f.repo.required(f.github.refs.get("heads/main")!);
    expect(tip.parents).toEqual([squash]);
    const pem = new TextDecoder().decode(
      f.repo.blobs.get(tip.files.get("clusters/prod/admins/erin.pem")!.oid)!,
    );
    expect(opensslVerify(built().pki.certificates.ca, pem, "sslclient").status).toBe(0);
    expect(
      f.github.comments.filter((c) => c.issue === 7 && c.body.includes("Issued on the default branch")),
    ).toHaveLength(1);
  });

  it("answers GET /ping, and 500 when the delivery's work failed for good", async () => {
    const f = pullRequestFixture(built().files, {});
    const handler = createLambdaHandler(
      { APP_ID: "123", PRIVATE_KEY: APP_PRIVATE_KEY, WEBHOOK_SECRET: SECRET, LOG_LEVEL: "fatal" },
      { Octokit: TestOctokit },
    );
    const ping = await handler(
      { httpMethod: "GET", path: "/ping", headers: {} } as unknown as APIGatewayProxyEvent,
      {} as Context,
    );
    expect(ping).toEqual({ statusCode: 200, body: "PONG" });
    // GitHub refuses the work for good (404: the pull request is gone)
    for (let i = 0; i < 3; i++) f.github.failNext("GET", /\/compare\//, 404, "Not Found");
    const pull = pullRequestPayload({ headSha: f.headSha, baseSha: f.baseSha });
    const result = await handler(apiGatewayEvent("pull_request", pull, "gone"), {} as Context);
    expect(result.statusCode).toBe(500);
  });

  it("answers 400 to a delivery with a bad signature, and does nothing", async () => {
    const f = pullRequestFixture(built().files, {});
    const handler = createLambdaHandler(
      { APP_ID: "123", PRIVATE_KEY: APP_PRIVATE_KEY, WEBHOOK_SECRET: SECRET, LOG_LEVEL: "fatal" },
      { Octokit: TestOctokit },
    );
    const pull = pullRequestPayload({ headSha: f.headSha, baseSha: f.baseSha });
    const result = await handler(
      apiGatewayEvent("pull_request", pull, "forged", { secret: "not-the-secret" }),
      {} as Context,
    );
    expect(result.statusCode).toBe(400);
    expect(f.github.apiCalls()).toEqual([]);
  });
});
