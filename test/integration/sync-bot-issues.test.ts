import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { syncBotIssues } from "../../src/github/sync-bot-issues.js";
import { fakeGitHub } from "../helpers/fake-github.js";
import { FakeRepo } from "../helpers/fake-repo.js";
import { TestOctokit } from "../helpers/probot.js";

afterEach(() => nock.cleanAll());

const repo = { owner: "acme", repo: "cluster-keys" };
const BOT = "kaws-bot[bot]";

function setUp() {
  const objects = new FakeRepo();
  const sha = objects.commit({ "README.md": "main" });
  const github = fakeGitHub({ repo: objects, defaultSha: sha, mergeBaseSha: sha });
  const quiet = () => undefined;
  const octokit = new TestOctokit({
    auth: "token test",
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  const sync = (wanted: { topic: string; title: string; body: string; assignee?: string }[]) =>
    syncBotIssues(octokit, repo, {
      botLogin: BOT,
      families: ["renew:"],
      wanted,
      lockOn: sha,
      locks: { pollMs: 5 },
    });
  return { github, sync };
}

it("creates a reminder once, updates it when its text changes, and closes it when it is no longer wanted", async () => {
  const s = setUp();
  const bob = {
    topic: "renew:bob",
    title: "kaws: @bob, renew",
    body: "prod ends 2027-03-01",
    assignee: "bob",
  };
  expect(await s.sync([bob])).toMatchObject({ created: ["renew:bob"], updated: [], closed: [] });
  expect(await s.sync([bob])).toMatchObject({ created: [], updated: [], closed: [] });
  expect(s.github.issues).toHaveLength(1);
  expect(s.github.issues[0]).toMatchObject({ state: "open", assignees: ["bob"] });

  expect(await s.sync([{ ...bob, body: "prod ends 2027-03-01, staging 2027-03-04" }])).toMatchObject({
    updated: ["renew:bob"],
  });
  expect(s.github.issues[0]!.body).toBe(
    "<!-- kaws-bot:issue:renew:bob -->\nprod ends 2027-03-01, staging 2027-03-04",
  );

  expect(await s.sync([])).toMatchObject({ closed: ["renew:bob"] });
  expect(s.github.issues[0]!.state).toBe("closed");
});

it("counts only the app's own issues: a look-alike a person opened is neither updated nor closed", async () => {
  const s = setUp();
  s.github.issues.push({
    number: 1,
    title: "kaws: @bob, renew",
    body: "<!-- kaws-bot:issue:renew:bob -->\nfake",
    state: "open",
    user: { login: "mallory", type: "User" },
  } as never);
  await s.sync([{ topic: "renew:bob", title: "kaws: @bob, renew", body: "real" }]);
  await s.sync([]);
  expect(s.github.issues.map((i) => [i.user?.login, i.state, i.body.split("\n")[1]])).toEqual([
    ["mallory", "open", "fake"],
    [BOT, "closed", "real"],
  ]);
});
