import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { GitHubClient, RepoRef } from "./github-client.js";

export interface RefLockTimings {
  /** Between two looks at a lock another replica holds. */
  readonly pollMs?: number;
  /** A lock seen held this long, without a break, belongs to a replica that died: it is taken over. */
  readonly staleMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The waiter's own clock in ms (staleness is measured by the waiter, never by GitHub's times). */
  readonly now?: () => number;
  /** The wall clock in ms, written in each lock (a replayed old lock of the app's is stale at once). */
  readonly wallClock?: () => number;
  /**
   * The key that marks a lock as this app's: replicas must share it (the app derives it from its
   * webhook secret, see `lockFenceKey`). Without one, a key of this process only.
   */
  readonly fenceKey?: Uint8Array;
}

const LOCKS = "kaws-bot/locks/";
/** Lock names are the bot's own (`pr-7`, `provision-prod-<sha>`): nothing a ref name would refuse. */
const NAME = /^[a-z0-9][a-z0-9-]{0,199}$/;
const PROCESS_FENCE_KEY = randomBytes(32);

/** The lock key replicas share, derived from a secret they share (the raw secret is never used). */
export function lockFenceKey(secret: string): Uint8Array {
  return createHmac("sha256", "kaws-bot lock fence").update(secret).digest();
}

/**
 * Run a short critical section under the lock ref `refs/kaws-bot/locks/<name>`, so that replicas
 * of the bot never both create what cannot be undone (a check run cannot be deleted, a workflow
 * dispatch cannot be recalled). Replicas share nothing but GitHub, and the one atomic
 * compare-and-set the app has there is creating a ref: `POST /git/refs` answers 422 "Reference
 * already exists" to all but one. Such a ref fires no push webhook and is not shown on GitHub.
 *
 * Anyone who can write to the repository can also create and delete such refs, so each lock is
 * fenced: the ref points at an annotated tag made for this acquisition (on a commit the caller
 * trusts, never a fork's head), whose message carries the lock's name, its time and an HMAC under
 * a key only the app's replicas hold. A lock that is not the app's — a writer's ref, a tag without
 * a valid mark, or one of the app's own older than the stale limit replayed — is deleted at once
 * and the create tried again; a writer cannot make the bot wait. The release deletes the ref only
 * while it still points at the holder's own tag, so a late holder never frees a successor's lock.
 *
 * A waiter polls the lock until it is gone, then tries the create again. One it sees held by the
 * same tag for `staleMs` (default 180 s, past the longest secondary-limit wait) is a dead
 * replica's: it deletes it and tries the create again (the create stays the compare-and-set, so
 * one waiter wins). A release GitHub fails is left to that stale limit (logged, not thrown: the
 * work is done). An acquire GitHub fails (5xx, timeout) throws and the work is not done — the next
 * delivery does it. A waiter gives up (status 503) after twice the stale limit, so no work waits
 * forever (a writer deleting and re-creating refs faster than the bot can only make it give up).
 *
 * What remains: this is a lease. A holder slower than the stale limit (GitHub answering each call
 * near its timeout) is taken over, and then two replicas run the section at once — one duplicate at
 * worst; a writer who deletes the app's lock while it is held lets a second replica in (the
 * sections read GitHub again and create only what is missing, and duplicate comments are removed).
 */
export async function withRefLock<T>(
  octokit: GitHubClient,
  repo: RepoRef,
  lock: { name: string; sha: string },
  work: () => Promise<T>,
  timings: RefLockTimings = {},
): Promise<T> {
  if (!NAME.test(lock.name)) throw new TypeError(`not a lock name: ${JSON.stringify(lock.name)}`);
  const settings: LockSettings = {
    ref: `${LOCKS}${lock.name}`,
    name: lock.name,
    pollMs: timings.pollMs ?? 1_000,
    // longer than the longest wait a holder may spend on GitHub's secondary rate limit (120 s)
    staleMs: timings.staleMs ?? 180_000,
    sleep: timings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    now: timings.now ?? (() => performance.now()),
    wallClock: timings.wallClock ?? (() => Date.now()),
    fenceKey: timings.fenceKey ?? PROCESS_FENCE_KEY,
  };
  const mine = await makeLockTag(octokit, repo, lock.sha, settings);
  await acquire(octokit, repo, mine, settings);
  try {
    return await work();
  } finally {
    await release(octokit, repo, mine, settings.ref);
  }
}

interface LockSettings {
  readonly ref: string;
  readonly name: string;
  readonly pollMs: number;
  readonly staleMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly wallClock: () => number;
  readonly fenceKey: Uint8Array;
}

/** The mark of a lock: who may make it (the key), which lock, when, and a nonce that makes it unique. */
function mark(key: Uint8Array, repo: RepoRef, name: string, at: number, nonce: string): string {
  return createHmac("sha256", key)
    .update(`${repo.owner}/${repo.repo}\0${name}\0${at}\0${nonce}`)
    .digest("hex");
}

/** This acquisition's tag: its message says the lock's name and time, and carries the app's mark. */
async function makeLockTag(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  settings: LockSettings,
): Promise<string> {
  const at = Math.round(settings.wallClock());
  const nonce = randomBytes(16).toString("hex");
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/git/tags", {
    ...repo,
    tag: `kaws-bot-lock-${settings.name}`.slice(0, 200),
    message: `kaws-bot lock ${settings.name}\nat=${at} nonce=${nonce} mark=${mark(settings.fenceKey, repo, settings.name, at, nonce)}\n`,
    object: sha,
    type: "commit",
  });
  return data.sha;
}

const LOCK_MESSAGE =
  /^kaws-bot lock ([a-z0-9-]+)\nat=(\d{1,15}) nonce=([0-9a-f]{32}) mark=([0-9a-f]{64})\n?$/;

/** Whether a tag's message is a lock of this name the app made, and when. */
function lockTime(message: string, repo: RepoRef, settings: LockSettings): number | undefined {
  const match = LOCK_MESSAGE.exec(message);
  if (match === null || match[1] !== settings.name) return undefined;
  const at = Number(match[2]);
  const expected = Buffer.from(mark(settings.fenceKey, repo, settings.name, at, match[3]!), "hex");
  return timingSafeEqual(expected, Buffer.from(match[4]!, "hex")) ? at : undefined;
}

/** Who holds the lock: nobody, the app (a tag it marked, and since when), or someone else. */
type Holder = { kind: "none" } | { kind: "app"; tag: string; at: number } | { kind: "foreign" };

async function readHolder(
  octokit: GitHubClient,
  repo: RepoRef,
  settings: LockSettings,
  verified: Map<string, number | undefined>,
): Promise<Holder> {
  let object: { sha: string; type: string };
  try {
    ({ object } = (
      await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: settings.ref })
    ).data);
  } catch (cause) {
    if ((cause as { status?: number }).status === 404) return { kind: "none" };
    throw cause;
  }
  if (object.type !== "tag") return { kind: "foreign" };
  if (!verified.has(object.sha)) {
    const { data: tag } = await octokit.request("GET /repos/{owner}/{repo}/git/tags/{tag_sha}", {
      ...repo,
      tag_sha: object.sha,
    });
    verified.set(object.sha, lockTime(tag.message, repo, settings));
  }
  const at = verified.get(object.sha);
  return at === undefined ? { kind: "foreign" } : { kind: "app", tag: object.sha, at };
}

async function acquire(
  octokit: GitHubClient,
  repo: RepoRef,
  mine: string,
  settings: LockSettings,
): Promise<void> {
  const { ref, staleMs } = settings;
  const started = settings.now();
  // tags are never changed: one verified is not read again
  const verified = new Map<string, number | undefined>();
  let seen: { tag: string; since: number } | undefined;
  while (!(await tryCreate(octokit, repo, ref, mine))) {
    for (;;) {
      if (settings.now() - started >= 2 * staleMs)
        throw Object.assign(new Error(`the lock refs/${ref} stayed taken: gave up waiting`), { status: 503 });
      const holder = await readHolder(octokit, repo, settings, verified);
      if (holder.kind === "none") break;
      if (holder.kind === "foreign") {
        octokit.log.warn(`the lock refs/${ref} was not made by this app: deleting it`);
        await remove(octokit, repo, ref);
        break;
      }
      // a new holder is waited for afresh; the stale limit counts from when this waiter saw it
      if (seen?.tag !== holder.tag) seen = { tag: holder.tag, since: settings.now() };
      if (settings.now() - seen.since >= staleMs || settings.wallClock() - holder.at >= staleMs) {
        octokit.log.warn(`the lock refs/${ref} was held past ${staleMs} ms: taking it over`);
        await remove(octokit, repo, ref);
        break;
      }
      await settings.sleep(settings.pollMs);
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

/** Delete the ref; already gone (404, or GitHub's 422 "Reference does not exist") is fine. */
async function remove(octokit: GitHubClient, repo: RepoRef, ref: string): Promise<void> {
  try {
    await octokit.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { ...repo, ref });
  } catch (cause) {
    const status = (cause as { status?: number }).status;
    if (status !== 404 && status !== 422) throw cause;
  }
}

async function release(octokit: GitHubClient, repo: RepoRef, mine: string, ref: string): Promise<void> {
  try {
    // only the holder's own lock: one taken over meanwhile is its successor's
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref });
    if (data.object.sha === mine) await remove(octokit, repo, ref);
    else octokit.log.warn(`the lock refs/${ref} was taken over while held: left to its new holder`);
  } catch (cause) {
    if ((cause as { status?: number }).status === 404) return;
    octokit.log.warn(
      `could not release the lock refs/${ref} (${(cause as Error).message}): other replicas take it over when it is stale`,
    );
  }
}
