import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { planRotation } from "../../src/core/reconcile/plan-rotation.js";
import { commitFiles, publicKeyOf, type Files } from "../helpers/build-repo.js";
import { run, runStatus } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

interface Step {
  name?: string;
  run?: string;
}
const workflow = parse(
  readFileSync(new URL("../../.github/workflows/provision.yml", import.meta.url), "utf8"),
) as { jobs: { provision: { steps: Step[] } } };
/** Every shell step that runs before `npm ci`, as the runner runs them after actions/checkout. */
const guards = workflow.jobs.provision.steps
  .slice(
    workflow.jobs.provision.steps.findIndex((s) => s.name === "Check the inputs"),
    workflow.jobs.provision.steps.findIndex((s) => s.run?.startsWith("npm ci")),
  )
  .filter((s) => s.run !== undefined && !s.run.includes("gh api"));

const work = mkdtempSync(join(tmpdir(), "kaws-rollback-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const origin = join(work, "origin");
const commits = {} as { before: string; rotated: string; unrelated: string; elsewhere: string };

beforeAll(async () => {
  // the default branch: prod's PKI, then a rotation of prod (the old keys are now compromised
  // or retired), then a commit that touches another file only
  commits.before = commitFiles(origin, repo().files, "prod with its first PKI");
  const rotation = await planRotation({
    tree: repo().tree(),
    cluster: "prod",
    recipients: await Promise.all([ids().alice, ids().bob, ids().bot].map(publicKeyOf)),
    adminCertDays: 90,
    now: repo().now,
  });
  const rotated: Files = Object.fromEntries(rotation.files.map((f) => [f.path, f.content]));
  commits.rotated = commitFiles(origin, rotated, "kaws: rotate the PKI of prod");
  commits.unrelated = commitFiles(origin, { "README.md": "docs only\n" }, "docs");
  // a commit that never reached the default branch
  run("git", ["-C", origin, "checkout", "-q", "-b", "side", commits.before]);
  commits.elsewhere = commitFiles(origin, { "README.md": "side branch\n" }, "side");
  run("git", ["-C", origin, "checkout", "-q", "main"]);
});

/** What the workflow does for a dispatch of `ref`: check out that commit with every branch, run the guards. */
function dispatch(ref: string) {
  const checkout = join(work, `checkout-${ref.slice(0, 12)}`);
  rmSync(checkout, { recursive: true, force: true });
  run("git", ["clone", "-q", "--no-checkout", origin, checkout]);
  run("git", ["-C", checkout, "checkout", "-q", "--detach", ref]);
  for (const step of guards) {
    const result = runStatus("bash", ["-e", "-c", step.run!], {
      cwd: checkout,
      env: { CLUSTER: "prod", REF: ref, DEFAULT_BRANCH: "main" },
    });
    if (result.status !== 0) return { refused: true, message: result.stdout + result.stderr };
  }
  return { refused: false, message: "" };
}

it("refuses to provision a commit whose cluster PKI a newer commit of the default branch replaced", () => {
  const rollback = dispatch(commits.before);
  expect(rollback.refused).toBe(true);
  expect(rollback.message).toContain(
    `::error::${commits.before} is not the newest PKI of prod on main: a newer commit changed clusters/prod/`,
  );
  // the message names the commit that superseded it
  expect(rollback.message).toContain(commits.rotated.slice(0, 12));
});

it("provisions the head, and an older commit when nothing newer touched the cluster", () => {
  expect(dispatch(commits.unrelated)).toEqual({ refused: false, message: "" });
  // the bot dispatched the rotation commit; a later docs-only commit does not make it stale
  expect(dispatch(commits.rotated)).toEqual({ refused: false, message: "" });
});

it("still refuses a commit that is not on the default branch", () => {
  const stray = dispatch(commits.elsewhere);
  expect(stray.refused).toBe(true);
  expect(stray.message).toContain(`::error::${commits.elsewhere} is not on main`);
});
