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
import { KeyedQueue } from "./github/keyed-queue.js";
import { listOpenPullRequests } from "./github/list-open-pull-requests.js";
import { RecentDeliveries } from "./github/recent-deliveries.js";
import type { RefLockTimings } from "./github/ref-lock.js";
import { answerCommentCommand } from "./handlers/answer-comment-command.js";
import {
  evaluatePullRequest,
  type EvaluationDeps,
  type PullRequestTarget,
} from "./handlers/evaluate-pull-request.js";
import { healthHandler } from "./handlers/health.js";
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
  /** How long replicas wait for each other's lock refs, and when one is stale (tests make them short). */
  readonly locks?: RefLockTimings;
}

interface PullRequestLike {
  number: number;
  html_url: string;
  head: { sha: string };
  user: { login: string } | null;
}
interface RepositoryLike {
  name: string;
  full_name: string;
  default_branch: string;
  owner: { login: string };
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
    try {
      options?.addHandler?.(healthHandler);
    } catch {
      // no HTTP server (Probot used without one, as in tests): nothing to serve
    }
    const cache = new BlobCache();
    const keyCache = new PublicKeyCache();
    const queue = new KeyedQueue();
    const deliveries = new RecentDeliveries();
    const now = appOptions.now ?? (() => new Date());
    const botIdentity = botIdentityOf(app);
    const deps = async (context: Context): Promise<EvaluationDeps> => {
      const { login, appId } = await botIdentity();
      const octokit = hardenClient(context.octokit, appOptions.github);
      return {
        octokit,
        log: context.log,
        cache,
        keyCache,
        now,
        botLogin: login,
        appId,
        locks: appOptions.locks,
      };
    };
    let botKey: Promise<openpgp.PrivateKey | null> | undefined;
    const loadBotKey = () =>
      (botKey ??= appOptions.botKey
        ? readDecryptionKey(appOptions.botKey, appOptions.botKeyPassphrase)
        : Promise.resolve(null));

    /** Each delivery once; deliveries for one pull request one at a time. */
    const handleOnce = async (context: Context, key: string, work: () => Promise<void>) => {
      if (deliveries.has(context.id)) {
        context.log.info({ delivery: context.id }, "delivery already handled");
        return;
      }
      await queue.run(key, work);
      deliveries.add(context.id);
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
        const pull = {
          ...target(payload.pull_request, payload.repository),
          // who pushed, from GitHub's signed delivery: they never approve what they pushed
          ...(payload.action === "synchronize"
            ? {
                push: {
                  before: typeof payload.before === "string" ? payload.before : undefined,
                  by: payload.sender?.login ?? "ghost",
                },
              }
            : {}),
        };
        await handleOnce(context, `${payload.repository.full_name}#${pull.number}`, async () => {
          await evaluatePullRequest(await deps(context), pull);
        });
      },
    );

    app.on(
      ["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"],
      async (context) => {
        const pull = target(context.payload.pull_request, context.payload.repository);
        await handleOnce(context, `${context.payload.repository.full_name}#${pull.number}`, async () => {
          await evaluatePullRequest(await deps(context), pull);
        });
      },
    );

    app.on("push", async (context) => {
      const { ref, before, repository, commits, deleted } = context.payload;
      if (deleted || ref !== `refs/heads/${repository.default_branch}`) return;
      const touched = commits.some((commit) => changedPaths(commit).some(isManagedPath));
      if (!touched) return;
      const repo = { owner: repository.owner?.login ?? repository.owner?.name ?? "", repo: repository.name };
      await handleOnce(context, `${repository.full_name}:reconcile`, async () => {
        await reconcileDefaultBranch(
          { ...(await deps(context)), botKey: loadBotKey },
          { repo, defaultBranch: repository.default_branch, before },
        );
      });
      // Who may approve, and whose keys, changed: a green check of an open pull request may no
      // longer hold (a maintainer removed), so each is judged again now, not at its next event.
      // (GitHub lists at most 20 commits in a push delivery: a longer or forced push counts as one.)
      const authority =
        context.payload.forced ||
        commits.length >= 20 ||
        commits.some((commit) => changedPaths(commit).some(isAuthorityPath));
      if (authority) {
        const base = await deps(context);
        for (const open of await listOpenPullRequests(context.octokit, repo, repository.default_branch)) {
          const pull: PullRequestTarget = { ...open, repo, defaultBranch: repository.default_branch };
          await queue
            .run(`${repository.full_name}#${open.number}`, () => evaluatePullRequest(base, pull))
            .catch((cause: unknown) =>
              base.log.error({ pull: open.number, err: cause }, "could not judge an open pull request again"),
            );
        }
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
      hardenClient(context.octokit, appOptions.github);
      await handleOnce(context, `${repository.full_name}#${issue.number}`, async () => {
        let pull: PullRequestTarget | undefined;
        if (issue.pull_request !== undefined) {
          const { data } = await context.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
            ...repo,
            pull_number: issue.number,
          });
          pull = target(data, repository);
        }
        const base = await deps(context);
        const reconcile = () =>
          queue.run(`${repository.full_name}:reconcile`, () =>
            reconcileDefaultBranch(
              { ...base, botKey: loadBotKey },
              { repo, defaultBranch: repository.default_branch },
            ),
          );
        await answerCommentCommand(
          {
            ...base,
            reconcile,
            rotate: (cluster) =>
              rotateCluster(base, { repo, defaultBranch: repository.default_branch }, cluster),
            provision: (cluster) =>
              provisionCluster(base, { repo, defaultBranch: repository.default_branch }, cluster),
          },
          { repo, issueNumber: issue.number, defaultBranch: repository.default_branch, pull },
          { id: comment.id, login: comment.user?.login ?? "ghost", action },
          command,
          seen,
        );
      });
    });
  };
}

export default createKawsBot();
