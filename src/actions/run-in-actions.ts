import { readFileSync } from "node:fs";
import { Probot, type Logger, type ProbotOctokit } from "probot";
import { BotOctokit } from "../github/bot-octokit.js";
import { createKawsBot, type KawsBotControl, type RepositoryLike } from "../app.js";
import type { GitHubClient } from "../github/github-client.js";
import { hardenClient, type HardeningOptions } from "../github/harden-client.js";
import type { RefLockTimings } from "../github/ref-lock.js";
import { WorkQueue } from "../github/work-queue.js";
import { actionsSettingsOf, ActionsUsageError, type ActionsSettings } from "./actions-settings.js";
import { actionsWorkOf, UnknownActionsEventError, type ActionsWork } from "./actions-work.js";
import { findInstallationId } from "./find-installation-id.js";

export interface ActionsRunOptions {
  /** The Octokit class (tests turn GitHub's retries and throttling off). */
  readonly Octokit?: typeof ProbotOctokit;
  readonly log?: Logger;
  /** The waits before failed work is tried again (tests make them short). */
  readonly retryDelaysMs?: readonly number[];
  readonly now?: () => Date;
  readonly github?: HardeningOptions;
  readonly locks?: RefLockTimings;
}

/** 0: done; 1: work failed for good (the run shows red; the next event or the schedule tries again); 2: the workflow or its settings are wrong. */
export type ActionsExitCode = 0 | 1 | 2;

/**
 * One run of the bot inside GitHub Actions: the event that started the workflow, read from
 * GITHUB_EVENT_PATH, goes to the same handlers as a webhook delivery, acting as the kaws app with
 * an installation token Probot mints here from the app's id and private key; the run ends when the
 * work it queued is done, retries included.
 */
export async function runInActions(
  env: Readonly<Record<string, string | undefined>>,
  options: ActionsRunOptions = {},
): Promise<ActionsExitCode> {
  let settings: ActionsSettings;
  let payload: Record<string, unknown>;
  let work: ActionsWork;
  try {
    settings = actionsSettingsOf(env);
    payload = readEventPayload(settings.eventPath);
    work = actionsWorkOf(settings.eventName, payload);
  } catch (error) {
    if (!(error instanceof ActionsUsageError || error instanceof UnknownActionsEventError)) throw error;
    reportUsageError(options.log, error.message);
    return 2;
  }

  const probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    baseUrl: settings.apiUrl,
    Octokit: options.Octokit ?? BotOctokit,
    log: options.log,
    logLevel: settings.logLevel,
  });
  await probot.ready();
  const log = probot.log.child({ name: "actions", event: settings.eventName, delivery: settings.deliveryId });
  const queue = new WorkQueue({ log, retryDelaysMs: options.retryDelaysMs });
  let control: KawsBotControl | undefined;
  await probot.load(
    createKawsBot({
      work: queue,
      botKey: settings.botKey,
      botKeyPassphrase: settings.botKeyPassphrase,
      now: options.now,
      github: options.github,
      locks: options.locks,
      // concurrent runs share the app's private key: their locks know each other
      lockSecret: settings.privateKey,
      control: (given) => (control = given),
    }),
  );

  try {
    if (work.kind === "ignore") {
      log.info({ reason: work.reason }, "nothing to do for this event");
      return 0;
    }
    const appOctokit = hardenClient(await probot.auth(), options.github);
    const installationId = await findInstallationId(appOctokit, settings.repo);
    if (work.kind === "delivery") {
      await probot.receive({
        id: settings.deliveryId,
        name: work.name,
        payload: { ...payload, installation: { id: installationId } },
      } as Parameters<Probot["receive"]>[0]);
    } else {
      const octokit = hardenClient(await probot.auth(installationId), options.github);
      const repository = await fetchRepository(octokit, settings);
      if (control === undefined) throw new Error("the app handed over no control: nothing to ask it");
      if (work.kind === "reconcile") control.reconcile(octokit, repository);
      else control.judgeHead(octokit, repository, work.headSha);
    }
    await queue.idle();
  } catch (error) {
    log.error({ err: error }, "the event could not be handled");
    return 1;
  }
  const stats = queue.stats();
  if (stats.failed > 0) {
    log.error({ ...stats }, "work failed for good: the next event or the scheduled run tries again");
    return 1;
  }
  log.info({ ...stats }, "done");
  return 0;
}

/** The event as GitHub wrote it for this run; a file that is not a JSON object is a broken runner. */
function readEventPayload(path: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new ActionsUsageError(
      `GITHUB_EVENT_PATH ${path} could not be read as JSON: ${(cause as Error).message}`,
    );
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    throw new ActionsUsageError(`GITHUB_EVENT_PATH ${path} does not hold an event object`);
  return payload as Record<string, unknown>;
}

/** The repository as GitHub describes it now: a schedule's payload names none, a relay's is not the PR's. */
async function fetchRepository(octokit: GitHubClient, settings: ActionsSettings): Promise<RepositoryLike> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}", { ...settings.repo });
  return data;
}

/** Said as a GitHub Actions error annotation when there is no logger yet (no Probot without settings). */
function reportUsageError(log: Logger | undefined, message: string): void {
  if (log !== undefined) log.error(message);
  else process.stderr.write(`::error::${message}\n`);
}
