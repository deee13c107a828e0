import adapter from "@probot/adapter-aws-lambda-serverless";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { createProbot, type ProbotOctokit } from "probot";
import { createKawsBot } from "./app.js";
import { BotOctokit } from "./github/bot-octokit.js";
import { WorkQueue, type WorkLog } from "./github/work-queue.js";

/**
 * Failed work is tried again sooner than on a server: the invocation waits for it (AWS freezes a
 * function once it has answered, so work cannot go on after the answer as it does on a server).
 */
const LAMBDA_RETRY_DELAYS_MS = [1_000, 4_000];

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The bot as an AWS Lambda function behind API Gateway (or a function URL), through Probot's own
 * adapter, configured from the environment as `npm start` is (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET,
 * KAWS_BOT_KEY...). The answer waits for the delivery's work; a delivery that fails verification
 * gets its status (400 for a bad signature) instead of an invocation error.
 */
export function createLambdaHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: { Octokit?: typeof ProbotOctokit } = {},
): LambdaHandler {
  // JSON log lines unless LOG_FORMAT says otherwise: CloudWatch reads them as fields
  const probot = createProbot({
    env: { LOG_FORMAT: "json", ...env },
    overrides: { Octokit: BotOctokit, ...overrides },
  });
  // Probot sets up its logger asynchronously: the queue asks for it when it writes
  const log: WorkLog = {
    info: (fields, message) => probot.log.info(fields, message),
    warn: (fields, message) => probot.log.warn(fields, message),
    error: (fields, message) => probot.log.error(fields, message),
  };
  const work = new WorkQueue({ log, retryDelaysMs: LAMBDA_RETRY_DELAYS_MS });
  const app = createKawsBot({
    work,
    botKey: env.KAWS_BOT_KEY || undefined,
    botKeyPassphrase: env.KAWS_BOT_KEY_PASSPHRASE || undefined,
    lockSecret: env.WEBHOOK_SECRET,
  });
  const lambda = adapter.createLambdaFunction(app, { probot });
  return async (event, context) => {
    if (event.httpMethod === "GET" && event.path?.endsWith("/ping")) return { statusCode: 200, body: "PONG" };
    // the adapter loads the app without waiting: the app's handlers are there once Probot is ready
    await probot.ready();
    const failedBefore = work.stats().failed;
    const body =
      event.isBase64Encoded && event.body !== null
        ? Buffer.from(event.body, "base64").toString("utf8")
        : event.body;
    try {
      const result = (await lambda(
        { ...event, body, isBase64Encoded: false },
        context,
      )) as APIGatewayProxyResult;
      await work.idle();
      // work that failed for good makes the invocation an error: AWS counts it, and GitHub shows
      // the delivery failed (it can be redelivered)
      if (work.stats().failed > failedBefore)
        return {
          statusCode: 500,
          body: JSON.stringify({ error: "the delivery's work failed: see the logs" }),
        };
      return result;
    } catch (error) {
      const status = statusOf(error);
      probot.log.warn({ err: error, status }, "delivery refused");
      return {
        statusCode: status,
        body: JSON.stringify({ error: status === 400 ? "bad signature or payload" : "failed" }),
      };
    }
  };
}

/** The HTTP status of a refused delivery: the webhook library's own (400 for a bad signature), else 500. */
function statusOf(error: unknown): number {
  const status =
    (error as { status?: unknown }).status ??
    [...((error as { errors?: Iterable<{ status?: unknown }> }).errors ?? [])][0]?.status;
  return typeof status === "number" && status >= 400 && status < 600 ? status : 500;
}

let handlerFromEnv: LambdaHandler | undefined;

/** The function AWS calls (`src/lambda.handler`): built once per container, from its environment. */
export const handler: LambdaHandler = (event, context) =>
  (handlerFromEnv ??= createLambdaHandler())(event, context);
