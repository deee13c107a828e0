import type { ApplicationFunctionOptions, Context, Probot } from "probot";
import type * as openpgp from "openpgp";
import { readDecryptionKey } from "./core/openpgp/decrypt-message.js";
import { PublicKeyCache } from "./core/openpgp/public-key-cache.js";
import { BOT_KEY_PATH, CONFIG_PATH, isManagedPath } from "./core/tree/classify-path.js";
import { parseKawsCommand } from "./core/policy/kaws-commands.js";
import { BlobCache } from "./github/blob-cache.js";
import { botIdentityOf } from "./github/bot-identity.js";
import { hardenClient, type HardeningOptions } from "./github/harden-client.js";
import { seenRecord } from "./github/seen-record.js";
import { WorkQueue, type Work } from "./github/work-queue.js";
import { listOpenPullRequests } from "./github/list-open-pull-requests.js";
import { RecentDeliveries } from "./github/recent-deliveries.js";
import { evaluatorInProcess, evaluatorOnWorkers } from "./core/worker/change-evaluator.js";
import { lockFenceKey, type RefLockTimings } from "./github/ref-lock.js";
import { answerCommentCommand } from "./handlers/answer-comment-command.js";
import {
  evaluatePullRequest,
  type EvaluationDeps,
  type PullRequestTarget,
} from "./handlers/evaluate-pull-request.js";
import { cachedProbe, healthHandler } from "./handlers/health.js";
import { BotMetrics } from "./handlers/metrics.js";
import { reconcileDefaultBranch } from "./handlers/reconcile-default-branch.js";
import { provisionCluster } from "./handlers/provision-cluster.js";
import { rotateCluster } from "./handlers/rotate-cluster.js";

export interface AppOptions {
  readonly now?: () => Date;
  /** GitHub request timeout and secondary-limit retries (tests make them short). */
  readonly github?: HardeningOptions;
  /** The bot's armored OpenPGP secret key (KAWS_BOT_KEY) and its passphrase, if any. */
  readonly botKey?: string;
  readonly botKeyPassphrase?: string;
  /** The queue deliveries leave their work in (tests pass their own, to wait until it is done). */
  readonly work?: WorkQueue;
  /** Given, once the app is loaded, what a run without webhooks may ask of it (GitHub Actions). */
  readonly control?: (control: KawsBotControl) => void;
  /** Reconcile every installed repository's default branch this often; none: no sweep. */
  readonly sweep?: {
    readonly everyMs: number;
    readonly firstAfterMs?: number;
    readonly signal?: AbortSignal;
  };
  /** How long replicas wait for each other's lock refs, and when one is stale (tests make them short). */
  readonly locks?: RefLockTimings;
  /**
   * A secret every replica of the app holds (the webhook secret; in Actions, the app's private key):
   * its lock refs are marked with a key derived from it, so a lock anyone else made is ignored.
   */
  readonly lockSecret?: string;
  /**
   * Worker threads for pull-request evaluations (a long-running server: one per core); none or 0:
   * evaluations run in the event loop's thread (Lambda, Actions, tests).
   */
  readonly workers?: number;
}

interface PullRequestLike {
  number: number;
  html_url: string;
  head: { sha: string };
  user: { login: string } | null;
}
export interface RepositoryLike {
  name: string;
  full_name: string;
  default_branch: string;
  owner: { login: string };
}

/**
 * The app's work asked for without a webhook (src/actions: a scheduled run, a review relayed by
 * `workflow_run`); queued like a delivery's, with the client of the repository's installation.
 */
export interface KawsBotControl {
  /** Reconcile one repository's default branch, as the periodic sweep does. */
  reconcile(octokit: Context["octokit"], repository: RepositoryLike): void;
  /** Judge again the open pull requests into the default branch whose head is `headSha`. */
  judgeHead(octokit: Context["octokit"], repository: RepositoryLike, headSha: string): void;
}

function target(pull: PullRequestLike, repository: RepositoryLike): PullRequestTarget {
  return {
    repo: { owner: repository.owner.login, repo: repository.name },
    number: pull.number,
    headSha: pull.head.sha,
    author: pull.user?.login ?? "ghost",
    defaultBranch: repository.default_branch,
    htmlUrl: pull.html_url,
  };
}

function changedPaths(commit: { added?: string[]; modified?: string[]; removed?: string[] }): string[] {
  return [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])];
}

/** The default branch's files that decide who may approve and whose keys count. */
function isAuthorityPath(path: string): boolean {
  return path === CONFIG_PATH || path === BOT_KEY_PATH || path.startsWith("pubkeys/");
}

/** The Probot wiring: one small handler per event; the work is in src/handlers and the core. */
export function createKawsBot(appOptions: AppOptions = {}) {
  return function kawsBot(app: Probot, options?: Partial<ApplicationFunctionOptions>): void {
    const work = appOptions.work ?? new WorkQueue({ log: app.log });
    const metrics = new BotMetrics(() => work.stats());
    const cache = new BlobCache();
    const keyCache = new PublicKeyCache();
    const evaluator =
      (appOptions.workers ?? 0) > 0
        ? evaluatorOnWorkers(appOptions.workers!, keyCache)
        : evaluatorInProcess(keyCache);
    const deliveries = new RecentDeliveries();
    const now = appOptions.now ?? (() => new Date());
    const botIdentity = botIdentityOf(app, appOptions.github);
    const locks: RefLockTimings = {
      ...appOptions.locks,
      ...(appOptions.lockSecret ? { fenceKey: lockFenceKey(appOptions.lockSecret) } : {}),
    };
    const depsOf = async (octokit: Context["octokit"], log: Context["log"]): Promise<EvaluationDeps> => {
      const { login, appId } = await botIdentity();
      return {
        octokit: hardenClient(octokit, appOptions.github),
        log,
        cache,
        keyCache,
        now,
        botLogin: login,
        appId,
        locks,
        evaluator,
      };
    };
    /**
     * The delivery's GitHub client, made for its installation: Probot's own per-delivery client
     * shares one write pace (about a write a second) among all installations of the app, so 50
     * organisations waited on each other; a client from `app.auth(installation)` is paced on its
     * own. Its requests are counted (for the log line) and its errors (for the metrics).
     */
    const clients = new WeakMap<Context, { octokit: Promise<Context["octokit"]>; requests: () => number }>();
    const clientOf = (context: Context) => {
      let client = clients.get(context);
      if (client === undefined) {
        let count = 0;
        const octokit = (async () => {
          const id = (context.payload as { installation?: { id?: unknown } }).installation?.id;
          const made =
            typeof id === "number" ? ((await app.auth(id)) as Context["octokit"]) : context.octokit;
          made.hook.before("request", () => void count++);
          made.hook.error("request", (error) => {
            const status = (error as { status?: unknown }).status;
            metrics.githubError(typeof status === "number" ? status : 0);
            throw error;
          });
          return made;
        })();
        client = { octokit, requests: () => count };
        clients.set(context, client);
      }
      return client;
    };
    /** Work is paced per installation, as GitHub paces its writes. */
    const groupOf = (context: Context) =>
      `installation:${String((context.payload as { installation?: { id?: unknown } }).installation?.id ?? "none")}`;
    const depsFor = async (context: Context) => depsOf(await clientOf(context).octokit, context.log);

    let botKey: Promise<openpgp.PrivateKey | null> | undefined;
    const loadBotKey = () =>
      (botKey ??= appOptions.botKey
        ? readDecryptionKey(appOptions.botKey, appOptions.botKeyPassphrase)
        : Promise.resolve(null));

    try {
      options?.addHandler?.(
        healthHandler({
          queue: () => work.stats(),
          botKeyProblem: () =>
            loadBotKey().then(
              () => null,
              (cause: unknown) => (cause as Error).message,
            ),
          githubProblem: cachedProbe(() => githubProblem(app, appOptions.github)),
        }),
      );
      options?.addHandler?.(metrics.handler());
    } catch {
      // no HTTP server (Probot used without one, as in tests): nothing to serve
    }

    /**
     * The delivery is answered as soon as its work is queued (GitHub waits 10 s at most); each
     * delivery's work once (a redelivery while it waits or after it ran does nothing), tried again
     * when it fails on something that may pass.
     */
    const acceptDelivery = (context: Context, item: Omit<Work, "onGiveUp">) => {
      const event = `${context.name}${"action" in context.payload ? `.${String(context.payload.action)}` : ""}`;
      if (deliveries.has(context.id)) {
        context.log.info({ delivery: context.id }, "delivery already handled");
        metrics.delivery(event, "duplicate");
        return;
      }
      const requests = clientOf(context).requests;
      const repository = (context.payload as { repository?: { full_name?: string } }).repository?.full_name;
      const fields = { delivery: context.id, event, repository };
      let outcome: "accepted" | "joined";
      try {
        outcome = work.accept({
          ...observed(item, (result, ms) => {
            context.log.info(
              {
                ...fields,
                work: item.label,
                outcome: result,
                durationMs: Math.round(ms),
                apiCalls: requests(),
              },
              "work done",
            );
          }),
          group: groupOf(context),
          // a delivery whose work failed for good may be redelivered by hand
          onGiveUp: () => deliveries.delete(context.id),
        });
      } catch (cause) {
        metrics.delivery(event, "refused");
        throw cause;
      }
      metrics.delivery(event, outcome === "joined" ? "joined" : "queued");
      // a delivery that joined waiting work is not remembered: that work may fail for good, and
      // then the delivery must be redeliverable (doing it again is harmless)
      if (outcome === "accepted") deliveries.add(context.id);
    };

    /** Work timed, counted and reported when it ends (each attempt). */
    const observed = <T extends Omit<Work, "onGiveUp">>(
      item: T,
      report: (outcome: "done" | "failed", ms: number) => void = () => undefined,
    ): T => ({
      ...item,
      run: async () => {
        const started = performance.now();
        let outcome: "done" | "failed" = "failed";
        try {
          await item.run();
          outcome = "done";
        } finally {
          const ms = performance.now() - started;
          metrics.workDone(item.label.split(" ")[0]!, outcome, ms / 1000);
          report(outcome, ms);
        }
      },
    });

    /** Work that follows a delivery's own: when the queue is full it is only logged (the sweep catches up). */
    const acceptOrLog = (context: Context, item: Work) => {
      try {
        work.accept(observed({ ...item, group: item.group ?? groupOf(context) }));
      } catch (cause) {
        context.log.warn({ work: item.label, err: cause }, "not queued");
      }
    };

    const evaluation = (
      deps: () => Promise<EvaluationDeps>,
      pull: PullRequestTarget,
      tag?: string,
    ): Work => ({
      key: `${pull.repo.owner}/${pull.repo.repo}#${pull.number}`,
      label: `evaluate ${pull.repo.owner}/${pull.repo.repo}#${pull.number}`,
      // the same head judged again reads the same state: one evaluation for deliveries waiting together
      coalesce: tag ?? `evaluate:${pull.headSha}`,
      run: async () => void (await evaluatePullRequest(await deps(), pull)),
    });

    const reconciliation = (
      deps: () => Promise<EvaluationDeps>,
      repository: RepositoryLike,
      before: string | undefined,
    ): Omit<Work, "onGiveUp"> => {
      const repo = { owner: repository.owner.login, repo: repository.name };
      return {
        key: `${repository.full_name}:reconcile`,
        label: `reconcile ${repository.full_name}`,
        // a push's reconcile provisions what changed since `before`: it joins only the same push's
        coalesce: `reconcile:${before ?? "sweep"}`,
        run: async () =>
          metrics.reconciled(
            await reconcileDefaultBranch(
              { ...(await deps()), botKey: loadBotKey },
              { repo, defaultBranch: repository.default_branch, before },
            ),
          ),
      };
    };

    app.on(
      [
        "pull_request.opened",
        "pull_request.synchronize",
        "pull_request.reopened",
        "pull_request.ready_for_review",
      ],
      async (context) => {
        const { payload } = context;
        const synchronize = payload.action === "synchronize";
        const pull = {
          ...target(payload.pull_request, payload.repository),
          // who pushed, from GitHub's signed delivery: they never approve what they pushed
          ...(synchronize
            ? {
                push: {
                  before: typeof payload.before === "string" ? payload.before : undefined,
                  by: payload.sender?.login ?? "ghost",
                },
              }
            : {}),
        };
        // a push's evaluation records who pushed: it joins no other
        const tag = synchronize ? `push:${context.id}` : undefined;
        acceptDelivery(
          context,
          evaluation(() => depsFor(context), pull, tag),
        );
      },
    );

    app.on(
      ["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"],
      async (context) => {
        const pull = target(context.payload.pull_request, context.payload.repository);
        acceptDelivery(
          context,
          evaluation(() => depsFor(context), pull),
        );
      },
    );

    app.on("push", async (context) => {
      const { ref, before, repository, commits, deleted } = context.payload;
      if (deleted || ref !== `refs/heads/${repository.default_branch}`) return;
      const touched = commits.some((commit) => changedPaths(commit).some(isManagedPath));
      // Who may approve, and whose keys, changed: a green check of an open pull request may no
      // longer hold (a maintainer removed), so each is judged again now, not at its next event.
      // (GitHub lists at most 20 commits in a push delivery: a longer or forced push counts as one.)
      const authority =
        context.payload.forced ||
        commits.length >= 20 ||
        commits.some((commit) => changedPaths(commit).some(isAuthorityPath));
      if (!touched && !authority) return;
      const owner = repository.owner?.login ?? repository.owner?.name ?? "";
      const repositoryLike: RepositoryLike = { ...repository, owner: { login: owner } };
      const deps = () => depsFor(context);
      if (touched) acceptDelivery(context, reconciliation(deps, repositoryLike, before));
      if (authority) {
        const repo = { owner, repo: repository.name };
        acceptOrLog(context, {
          key: `${repository.full_name}:judge-open`,
          label: `judge the open pull requests of ${repository.full_name} again`,
          coalesce: "judge-open",
          run: async () => {
            const base = await deps();
            for (const open of await listOpenPullRequests(base.octokit, repo, repository.default_branch)) {
              const pull: PullRequestTarget = { ...open, repo, defaultBranch: repository.default_branch };
              work.accept(
                observed({
                  ...evaluation(async () => base, pull, `authority:${before}`),
                  group: groupOf(context),
                }),
              );
            }
          },
        });
      }
    });

    app.on(["issue_comment.created", "issue_comment.edited", "issue_comment.deleted"], async (context) => {
      const { issue, comment, repository, action } = context.payload;
      if (comment.user?.type === "Bot") return;
      // A cancel later edited or deleted still withdraws, an edited approval never counts: GitHub's
      // signed payload says what the comment was.
      const seen = seenRecord(context.payload);
      const command =
        parseKawsCommand(comment.body) ??
        (seen.cancels.length + seen.editedComments.length > 0 ? { name: "approve-cancel" as const } : null);
      if (command === null) return;
      const repo = { owner: repository.owner.login, repo: repository.name };
      const defaultBranch = repository.default_branch;
      acceptDelivery(context, {
        key: `${repository.full_name}#${issue.number}`,
        label: `answer ${command.name} on ${repository.full_name}#${issue.number}`,
        run: async () => {
          const base = await depsFor(context);
          let pull: PullRequestTarget | undefined;
          if (issue.pull_request !== undefined) {
            const { data } = await base.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
              ...repo,
              pull_number: issue.number,
            });
            pull = target(data, repository);
          }
          // the command's reconcile runs in turn with the branch's other reconciles
          const reconcile = () =>
            work.runNow(`${repository.full_name}:reconcile`, `reconcile ${repository.full_name}`, () =>
              reconcileDefaultBranch({ ...base, botKey: loadBotKey }, { repo, defaultBranch }).then(
                (result) => {
                  metrics.reconciled(result);
                  return result;
                },
              ),
            );
          await answerCommentCommand(
            {
              ...base,
              reconcile,
              rotate: (cluster) => rotateCluster(base, { repo, defaultBranch }, cluster),
              provision: (cluster) => provisionCluster(base, { repo, defaultBranch }, cluster),
            },
            { repo, issueNumber: issue.number, defaultBranch, pull },
            { id: comment.id, login: comment.user?.login ?? "ghost", action },
            command,
            seen,
          );
        },
      });
    });

    appOptions.control?.({
      reconcile: (octokit, repository) =>
        void work.accept(reconciliation(() => depsOf(octokit, app.log), repository, undefined)),
      judgeHead: (octokit, repository, headSha) => {
        const repo = { owner: repository.owner.login, repo: repository.name };
        work.accept({
          key: `${repository.full_name}:judge-head`,
          label: `judge the open pull requests of ${repository.full_name} at ${headSha}`,
          run: async () => {
            const base = await depsOf(octokit, app.log);
            const open = await listOpenPullRequests(base.octokit, repo, repository.default_branch);
            for (const pull of open.filter((candidate) => candidate.headSha === headSha))
              work.accept(
                evaluation(async () => base, { ...pull, repo, defaultBranch: repository.default_branch }),
              );
          },
        });
      },
    });

    if (appOptions.sweep !== undefined) {
      scheduleSweep(appOptions.sweep, app.log, async () => {
        // every default branch the app is installed on, from GitHub: nothing remembered in memory
        const appOctokit = hardenClient(await app.auth(), appOptions.github);
        const installations = await appOctokit.paginate("GET /app/installations", { per_page: 100 });
        for (const installation of installations) {
          const octokit = await app.auth(installation.id);
          const repositories = await hardenClient(octokit, appOptions.github).paginate(
            "GET /installation/repositories",
            { per_page: 100 },
          );
          for (const repository of repositories) {
            if (repository.archived) continue;
            work.accept(
              observed({
                ...reconciliation(() => depsOf(octokit, app.log), repository, undefined),
                group: `installation:${installation.id}`,
              }),
            );
          }
        }
      });
    }
  };
}

/**
 * Reconcile every default branch now and then: a reconcile that failed for good (GitHub down
 * longer than the retries), or was lost with a crashed process, is done at the next sweep.
 */
function scheduleSweep(
  sweep: { everyMs: number; firstAfterMs?: number; signal?: AbortSignal },
  log: Probot["log"],
  run: () => Promise<void>,
): void {
  const tick = () => {
    if (sweep.signal?.aborted) return;
    log.info("sweep: reconciling every default branch");
    run()
      .catch((cause: unknown) => log.error({ err: cause }, "sweep failed; trying again at the next"))
      .finally(() => {
        if (!sweep.signal?.aborted) setTimeout(tick, sweep.everyMs).unref();
      });
  };
  setTimeout(tick, sweep.firstAfterMs ?? Math.min(sweep.everyMs, 60_000)).unref();
}

/** Why GitHub does not answer the app (`GET /app` with its own JWT), or null when it does. */
async function githubProblem(app: Probot, options: HardeningOptions | undefined): Promise<string | null> {
  try {
    const octokit = hardenClient(await app.auth(), {
      ...options,
      timeoutMs: Math.min(options?.timeoutMs ?? 5_000, 5_000),
    });
    await octokit.request("GET /app");
    return null;
  } catch (cause) {
    const status = (cause as { status?: unknown }).status;
    return `${typeof status === "number" ? `HTTP ${status}: ` : ""}${(cause as Error).message}`;
  }
}

export default createKawsBot();
