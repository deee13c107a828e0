import type { ApplicationFunctionOptions, Probot } from "probot";
import { PublicKeyCache } from "./core/openpgp/public-key-cache.js";
import { BlobCache } from "./github/blob-cache.js";
import { KeyedQueue } from "./github/keyed-queue.js";
import { RecentDeliveries } from "./github/recent-deliveries.js";
import { evaluatePullRequest } from "./handlers/evaluate-pull-request.js";
import { healthHandler } from "./handlers/health.js";

export interface AppOptions {
  readonly now?: () => Date;
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

    app.on(
      [
        "pull_request.opened",
        "pull_request.synchronize",
        "pull_request.reopened",
        "pull_request.ready_for_review",
      ],
      async (context) => {
        const { pull_request: pull, repository } = context.payload;
        if (deliveries.has(context.id)) {
          context.log.info({ delivery: context.id }, "delivery already handled");
          return;
        }
        const repo = { owner: repository.owner.login, repo: repository.name };
        await queue.run(`${repository.full_name}#${pull.number}`, () =>
          evaluatePullRequest(
            { octokit: context.octokit, log: context.log, cache, keyCache, now },
            {
              repo,
              number: pull.number,
              headSha: pull.head.sha,
              author: pull.user?.login ?? "ghost",
              defaultBranch: repository.default_branch,
              htmlUrl: pull.html_url,
            },
          ),
        );
        deliveries.add(context.id);
      },
    );
  };
}

export default createKawsBot();
