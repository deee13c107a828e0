import { afterEach, describe, expect, it } from "vitest";
import nock from "nock";
import { withRefLock } from "../../src/github/ref-lock.js";
import { fakeGitHub } from "../helpers/fake-github.js";
import { FakeRepo } from "../helpers/fake-repo.js";
import { TestOctokit } from "../helpers/probot.js";

afterEach(() => nock.cleanAll());

const repo = { owner: "acme", repo: "cluster-keys" };
const LOCK = "kaws-bot/locks/pr-7";

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
  const timings = {
    pollMs: 1_000,
    staleMs: 60_000,
    now: () => clock,
    sleep: async (ms: number) => void (clock += ms),
  };
  const lockCalls = () =>
    github.calls
      .filter((c) => c.path.includes("/git/ref"))
      .map((c) => `${c.method} ${c.path.replace("/repos/acme/cluster-keys/git/", "")}`);
  return { github, octokit, sha, warnings, timings, now: () => clock, lockCalls };
}

describe("a lock ref", () => {
  it("is created on the given commit, held while the work runs, and deleted after", async () => {
    const s = setUp();
    const result = await withRefLock(
      s.octokit,
      repo,
      { name: "pr-7", sha: s.sha },
      async () => {
        expect(s.github.refs.get(LOCK)).toBe(s.sha);
        return "done";
      },
      s.timings,
    );
    expect(result).toBe("done");
    expect(s.lockCalls()).toEqual(["POST refs", `DELETE refs/${LOCK}`]);
    expect(s.github.refs.has(LOCK)).toBe(false);
  });

  it("is waited for while another replica holds it, and never taken from a holder that lets go in time", async () => {
    const s = setUp();
    s.github.refs.set(LOCK, s.sha);
    let polls = 0;
    const sleep = async (ms: number) => {
      await s.timings.sleep(ms);
      if (++polls === 30) s.github.refs.delete(LOCK); // the holder releases after 30 s
    };
    let ran = 0;
    await withRefLock(s.octokit, repo, { name: "pr-7", sha: s.sha }, async () => void ran++, {
      ...s.timings,
      sleep,
    });
    expect(ran).toBe(1);
    expect(s.now()).toBe(30_000);
    const calls = s.lockCalls();
    expect(calls.filter((c) => c === `GET ref/${LOCK}`)).toHaveLength(30);
    expect(calls.filter((c) => c.startsWith("DELETE"))).toEqual([`DELETE refs/${LOCK}`]); // its own release only
    expect(s.warnings).toEqual([]);
  });

  it("left by a replica that died is taken over after the stale limit, measured by the waiter", async () => {
    const s = setUp();
    s.github.refs.set(LOCK, s.sha); // nobody will ever delete it
    let ranAt: number | undefined;
    await withRefLock(
      s.octokit,
      repo,
      { name: "pr-7", sha: s.sha },
      async () => void (ranAt = s.now()),
      s.timings,
    );
    expect(ranAt).toBe(60_000);
    expect(s.lockCalls()).toEqual([
      "POST refs", // 422 "Reference already exists"
      ...Array<string>(60).fill(`GET ref/${LOCK}`),
      `DELETE refs/${LOCK}`, // the stale lock
      "POST refs", // the create is still the compare-and-set
      `DELETE refs/${LOCK}`, // the release
    ]);
    expect(s.warnings).toEqual([`the lock refs/${LOCK} was held past 60000 ms: taking it over`]);
    expect(s.github.refs.has(LOCK)).toBe(false);
  });

  it("is released when the work fails, and the work's error is the one thrown", async () => {
    const s = setUp();
    await expect(
      withRefLock(
        s.octokit,
        repo,
        { name: "pr-7", sha: s.sha },
        async () => {
          throw Object.assign(new Error("GitHub refused the check run"), { status: 422 });
        },
        s.timings,
      ),
    ).rejects.toThrow("GitHub refused the check run");
    expect(s.lockCalls()).toEqual(["POST refs", `DELETE refs/${LOCK}`]);
    expect(s.github.refs.has(LOCK)).toBe(false);
  });

  it("that GitHub fails to release is left to the stale limit: the work's result stands", async () => {
    const s = setUp();
    s.github.failNext("DELETE", /\/git\/refs\//, 502);
    const result = await withRefLock(s.octokit, repo, { name: "pr-7", sha: s.sha }, async () => 7, s.timings);
    expect(result).toBe(7);
    expect(s.github.refs.get(LOCK)).toBe(s.sha);
    expect(s.warnings).toEqual([
      expect.stringMatching(/^could not release the lock refs\/kaws-bot\/locks\/pr-7/),
    ]);
  });

  it("that GitHub fails to create is an error, and the work does not run", async () => {
    const s = setUp();
    s.github.failNext("POST", /\/git\/refs$/, 502);
    let ran = false;
    await expect(
      withRefLock(s.octokit, repo, { name: "pr-7", sha: s.sha }, async () => void (ran = true), s.timings),
    ).rejects.toMatchObject({ status: 502 });
    expect(ran).toBe(false);
  });

  it("on a commit GitHub does not know is an error, not an endless wait", async () => {
    const s = setUp();
    await expect(
      withRefLock(s.octokit, repo, { name: "pr-7", sha: "f".repeat(40) }, async () => undefined, s.timings),
    ).rejects.toMatchObject({ status: 422 });
    expect(s.lockCalls()).toEqual(["POST refs"]);
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
      [1, 2, 3].map(() => withRefLock(s.octokit, repo, { name: "pr-7", sha: s.sha }, section, { pollMs: 5 })),
    );
    expect(most).toBe(1);
    expect(s.github.refs.has(LOCK)).toBe(false);
  });
});
