import type { GitHubClient, RepoRef } from "./github-client.js";

export interface RefLockTimings {
  /** Between two looks at a lock another replica holds. */
  readonly pollMs?: number;
  /** A lock seen held this long, without a break, belongs to a replica that died: it is taken over. */
  readonly staleMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The waiter's own clock in ms (staleness is measured by the waiter, never by GitHub's times). */
  readonly now?: () => number;
}

const LOCKS = "kaws-bot/locks/";
/** Lock names are the bot's own (`pr-7`, `provision-prod-<sha>`): nothing a ref name would refuse. */
const NAME = /^[a-z0-9][a-z0-9-]{0,199}$/;

/**
 * Run a short critical section under the lock ref `refs/kaws-bot/locks/<name>`, so that replicas
 * of the bot never both create what cannot be undone (a check run cannot be deleted, a workflow
 * dispatch cannot be recalled). Replicas share nothing but GitHub, and the one atomic
 * compare-and-set the app has there is creating a ref: `POST /git/refs` answers 422 "Reference
 * already exists" to all but one. Such a ref fires no push webhook and is not shown on GitHub; it
 * must point at a commit of the repository (the caller gives one it trusts, never a fork's head).
 *
 * A waiter polls the ref until it is gone, then tries the create again. A ref it sees held for
 * `staleMs` (default 180 s, past the longest secondary-limit wait) without a break is a dead replica's: it deletes it and tries the create
 * again (the create stays the compare-and-set, so one waiter wins). The lock is released in a
 * `finally`; a release GitHub fails is left to that stale limit (logged, not thrown: the work is
 * done). An acquire GitHub fails (5xx, timeout) throws and the work is not done — the next delivery
 * does it; if GitHub made the ref all the same, it is waited out like a dead replica's. A waiter
 * gives up (status 503) after twice the stale limit, so no work waits forever.
 *
 * What remains: this is a lease without fencing. A holder slower than the stale limit (GitHub
 * answering each call near its timeout, or a long secondary rate-limit wait) is taken over, and
 * then two replicas run the section at once — one duplicate at worst — and its late release
 * deletes the taker's lock. A waiter that misses a release and a new acquire between two polls
 * counts both holders as one, and two waiters taking over the same dead lock at once may both
 * win (the second delete removes the first's fresh ref). Every such case needs a holder stalled
 * for a minute or three replicas on one pull request at the same moment.
 */
export async function withRefLock<T>(
  octokit: GitHubClient,
  repo: RepoRef,
  lock: { name: string; sha: string },
  work: () => Promise<T>,
  timings: RefLockTimings = {},
): Promise<T> {
  if (!NAME.test(lock.name)) throw new TypeError(`not a lock name: ${JSON.stringify(lock.name)}`);
  const ref = `${LOCKS}${lock.name}`;
  const clock = {
    pollMs: timings.pollMs ?? 1_000,
    // longer than the longest wait a holder may spend on GitHub's secondary rate limit (120 s)
    staleMs: timings.staleMs ?? 180_000,
    sleep: timings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    now: timings.now ?? (() => performance.now()),
  };
  await acquire(octokit, repo, ref, lock.sha, clock);
  try {
    return await work();
  } finally {
    await release(octokit, repo, ref);
  }
}

async function acquire(
  octokit: GitHubClient,
  repo: RepoRef,
  ref: string,
  sha: string,
  clock: Required<RefLockTimings>,
): Promise<void> {
  const started = clock.now();
  while (!(await tryCreate(octokit, repo, ref, sha))) {
    const heldSince = clock.now();
    for (;;) {
      if (clock.now() - started >= 2 * clock.staleMs)
        throw Object.assign(new Error(`the lock refs/${ref} stayed taken: gave up waiting`), { status: 503 });
      await clock.sleep(clock.pollMs);
      if (!(await isHeld(octokit, repo, ref))) break;
      if (clock.now() - heldSince >= clock.staleMs) {
        octokit.log.warn(`the lock refs/${ref} was held past ${clock.staleMs} ms: taking it over`);
        await remove(octokit, repo, ref);
        break;
      }
    }
  }
}

/** The compare-and-set: true when this replica made the ref, false when it already existed. */
async function tryCreate(octokit: GitHubClient, repo: RepoRef, ref: string, sha: string): Promise<boolean> {
  try {
    await octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: `refs/${ref}`, sha });
    return true;
  } catch (cause) {
    const { status, message } = cause as { status?: number; message?: string };
    // any other 422 (an unknown commit, a refused name) is no lock held: waiting would never end
    if (status === 422 && /already exists/i.test(message ?? "")) return false;
    throw cause;
  }
}

async function isHeld(octokit: GitHubClient, repo: RepoRef, ref: string): Promise<boolean> {
  try {
    await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref });
    return true;
  } catch (cause) {
    if ((cause as { status?: number }).status === 404) return false;
    throw cause;
  }
}

/** Delete the ref; already gone (404, or GitHub's 422 "Reference does not exist") is fine. */
async function remove(octokit: GitHubClient, repo: RepoRef, ref: string): Promise<void> {
  try {
    await octokit.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { ...repo, ref });
  } catch (cause) {
    const status = (cause as { status?: number }).status;
    if (status !== 404 && status !== 422) throw cause;
  }
}

async function release(octokit: GitHubClient, repo: RepoRef, ref: string): Promise<void> {
  try {
    await remove(octokit, repo, ref);
  } catch (cause) {
    octokit.log.warn(
      `could not release the lock refs/${ref} (${(cause as Error).message}): other replicas take it over when it is stale`,
    );
  }
}
