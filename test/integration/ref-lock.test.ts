import { afterEach, describe, expect, it } from "vitest";
import nock from "nock";
import { lockFenceKey, withRefLock, type RefLockTimings } from "../../src/github/ref-lock.js";
import { fakeGitHub } from "../helpers/fake-github.js";
import { FakeRepo } from "../helpers/fake-repo.js";
import { TestOctokit } from "../helpers/probot.js";

afterEach(() => nock.cleanAll());

const repo = { owner: "acme", repo: "cluster-keys" };
const LOCK = "kaws-bot/locks/pr-7";
const never = new Promise<void>(() => undefined);

/** The fake GitHub, a client whose warnings are kept, and a virtual clock that only sleeping moves. */
function setUp() {
  const objects = new FakeRepo();
  const sha = objects.commit({ "README.md": "main" });
  const github = fakeGitHub({ repo: objects, defaultSha: sha, mergeBaseSha: sha });
  const warnings: string[] = [];
  const quiet = () => undefined;
  const octokit = new TestOctokit({
    auth: "token test",
    log: { debug: quiet, info: quiet, warn: (message: string) => void warnings.push(message), error: quiet },
  });
  let clock = 0;
  const timings: RefLockTimings = {
    pollMs: 1_000,
    staleMs: 60_000,
    now: () => clock,
    wallClock: () => 1_800_000_000_000 + clock,
    sleep: async (ms: number) => void (clock += ms),
    fenceKey: lockFenceKey("the replicas' webhook secret"),
  };
  const lockCalls = () =>
    github.calls
      .filter((c) => c.path.includes("/git/ref") || c.path.includes("/git/tags"))
      .map(
        (c) =>
          `${c.method} ${c.path.replace("/repos/acme/cluster-keys/git/", "").replace(/[0-9a-f]{40}/, "T")}`,
      );
  const lock = (work: () => Promise<unknown>, options: Partial<RefLockTimings> = {}) =>
    withRefLock(octokit, repo, { name: "pr-7", sha }, work, { ...timings, ...options });
  return { github, octokit, sha, warnings, timings, now: () => clock, lockCalls, lock };
}

describe("a lock ref", () => {
  it("points at a tag of this acquisition on the given commit, is held while the work runs, and deleted after", async () => {
    const s = setUp();
    const result = await s.lock(async () => {
      const tag = s.github.tags.get(s.github.refs.get(LOCK)!)!;
      expect(tag.object).toBe(s.sha);
      expect(tag.message).toMatch(/^kaws-bot lock pr-7\nat=\d+ nonce=[0-9a-f]{32} mark=[0-9a-f]{64}\n$/);
      return "done";
    });
    expect(result).toBe("done");
    expect(s.lockCalls()).toEqual(["POST tags", "POST refs", `GET ref/${LOCK}`, `DELETE refs/${LOCK}`]);
    expect(s.github.refs.has(LOCK)).toBe(false);
  });

  it("is waited for while another replica holds it, and never taken from a holder that lets go in time", async () => {
    const s = setUp();
    let release!: () => void;
    const holder = s.lock(() => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    let polls = 0;
    const sleep = async (ms: number) => {
      await s.timings.sleep!(ms);
      if (++polls === 30) {
        release(); // the holder releases after 30 s
        await holder;
      }
    };
    let ran = 0;
    await s.lock(async () => void ran++, { sleep });
    expect(ran).toBe(1);
    expect(s.now()).toBe(30_000);
    const calls = s.lockCalls();
    expect(calls.filter((c) => c === "GET tags/T")).toHaveLength(1); // the holder's tag, read once
    expect(calls.filter((c) => c.startsWith("DELETE"))).toHaveLength(2); // each its own release only
    expect(s.warnings).toEqual([]);
  });

  it("left by a replica that died is taken over after the stale limit, measured by the waiter", async () => {
    const s = setUp();
    void s.lock(() => never); // holds it for ever
    await new Promise((resolve) => setTimeout(resolve, 50));
    let ranAt: number | undefined;
    await s.lock(async () => void (ranAt = s.now()));
    expect(ranAt).toBe(60_000);
    expect(s.warnings).toEqual([`the lock refs/${LOCK} was held past 60000 ms: taking it over`]);
    expect(s.github.refs.has(LOCK)).toBe(false);
  });

  it.each(["commit", "tag"] as const)(
    "made by a writer is deleted at once (the ref on a %s without the app's mark)",
    async (forged) => {
      const s = setUp();
      let target = s.sha;
      if (forged === "tag") {
        // a writer copies the format, but cannot make the mark without the replicas' key
        const { data } = await s.octokit.request("POST /repos/{owner}/{repo}/git/tags", {
          ...repo,
          tag: "kaws-bot-lock-pr-7",
          message: `kaws-bot lock pr-7\nat=1800000000000 nonce=${"0".repeat(32)} mark=${"a".repeat(64)}\n`,
          object: s.sha,
          type: "commit",
        });
        target = data.sha;
      }
      s.github.refs.set(LOCK, target);
      let ranAt: number | undefined;
      await s.lock(async () => void (ranAt = s.now()));
      expect(ranAt).toBe(0); // no wait at all
      expect(s.warnings).toEqual([`the lock refs/${LOCK} was not made by this app: deleting it`]);
      expect(s.github.refs.has(LOCK)).toBe(false);
    },
  );

  it("of the app's, made earlier than the stale limit and replayed by a writer, is taken over at once", async () => {
    const s = setUp();
    let old: string | undefined;
    await s.lock(async () => void (old = s.github.refs.get(LOCK)), { wallClock: () => 1_700_000_000_000 });
    s.github.refs.set(LOCK, old!); // a writer points the lock back at the app's old tag
    let ranAt: number | undefined;
    await s.lock(async () => void (ranAt = s.now()));
    expect(ranAt).toBe(0);
    expect(s.warnings).toEqual([`the lock refs/${LOCK} was held past 60000 ms: taking it over`]);
  });

  it("taken over while held is left to its new holder: a late release never frees a successor's lock", async () => {
    const s = setUp();
    let successor: string | undefined;
    await s.lock(async () => {
      // stalled past the stale limit: another replica deleted the lock and made its own
      await withRefLock(
        s.octokit,
        repo,
        { name: "pr-8", sha: s.sha },
        async () => {
          successor = s.github.refs.get("kaws-bot/locks/pr-8");
          s.github.refs.set(LOCK, successor!);
        },
        s.timings,
      );
    });
    expect(s.github.refs.get(LOCK)).toBe(successor);
    expect(s.warnings).toEqual([`the lock refs/${LOCK} was taken over while held: left to its new holder`]);
  });

  it("is released when the work fails, and the work's error is the one thrown", async () => {
    const s = setUp();
    await expect(
      s.lock(async () => {
        throw Object.assign(new Error("GitHub refused the check run"), { status: 422 });
      }),
    ).rejects.toThrow("GitHub refused the check run");
    expect(s.lockCalls()).toEqual(["POST tags", "POST refs", `GET ref/${LOCK}`, `DELETE refs/${LOCK}`]);
    expect(s.github.refs.has(LOCK)).toBe(false);
  });

  it("that GitHub fails to release is left to the stale limit: the work's result stands", async () => {
    const s = setUp();
    s.github.failNext("DELETE", /\/git\/refs\//, 502);
    const result = await s.lock(async () => 7);
    expect(result).toBe(7);
    expect(s.github.tags.has(s.github.refs.get(LOCK)!)).toBe(true);
    expect(s.warnings).toEqual([
      expect.stringMatching(/^could not release the lock refs\/kaws-bot\/locks\/pr-7/),
    ]);
  });

  it("that GitHub fails to create is an error, and the work does not run", async () => {
    const s = setUp();
    s.github.failNext("POST", /\/git\/refs$/, 502);
    let ran = false;
    await expect(s.lock(async () => void (ran = true))).rejects.toMatchObject({ status: 502 });
    expect(ran).toBe(false);
  });

  it("on a commit GitHub does not know is an error, not an endless wait", async () => {
    const s = setUp();
    await expect(
      withRefLock(s.octokit, repo, { name: "pr-7", sha: "f".repeat(40) }, async () => undefined, s.timings),
    ).rejects.toMatchObject({ status: 422 });
    expect(s.lockCalls()).toEqual(["POST tags"]);
  });

  it("lets one critical section run at a time", async () => {
    const s = setUp();
    let inside = 0;
    let most = 0;
    const section = async () => {
      most = Math.max(most, ++inside);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inside--;
    };
    await Promise.all(
      [1, 2, 3].map(() =>
        withRefLock(s.octokit, repo, { name: "pr-7", sha: s.sha }, section, {
          pollMs: 5,
          fenceKey: s.timings.fenceKey,
        }),
      ),
    );
    expect(most).toBe(1);
    expect(s.github.refs.has(LOCK)).toBe(false);
  });
});
