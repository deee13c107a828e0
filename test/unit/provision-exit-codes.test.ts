import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { main, PROVISION_USAGE_EXIT } from "../../src/cli/main.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "kaws-exit-"));
  dirs.push(dir);
  return dir;
};

async function kaws(args: string[]) {
  let stderr = "";
  const status = await main(args, {
    stdout: { write: () => undefined, isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
  });
  return { status, stderr };
}

describe("kaws provision's exit codes", () => {
  it.each([
    [["provision", "plan"], "usage: kaws provision plan C"],
    [["provision", "plan", "prod", "--bogus"], "Unknown option '--bogus'"],
    [["provision", "apply", "prod", "--json"], "usage: kaws provision plan C"],
  ])("a usage error (%j) exits 64, never 2 (which means: changes to make)", async (args, message) => {
    const result = await kaws(args);
    expect(result.status).toBe(PROVISION_USAGE_EXIT);
    expect(result.stderr).toContain(message);
  });

  it("a folder that is not a repository exits 64", async () => {
    const dir = folder();
    const result = await kaws(["provision", "plan", "prod", "--repo", dir]);
    expect(result.status).toBe(PROVISION_USAGE_EXIT);
    expect(result.stderr).toContain("is not a git repository");
  });

  it("other commands keep 2 for a usage error", async () => {
    expect((await kaws(["verify", "--bogus"])).status).toBe(2);
  });
});

describe("the provisioning workflow's Plan step", () => {
  const workflow = parse(
    readFileSync(fileURLToPath(new URL("../../.github/workflows/provision.yml", import.meta.url)), "utf8"),
  ) as { jobs: { provision: { steps: { name?: string; run?: string }[] } } };
  const script = workflow.jobs.provision.steps.find((step) => step.name === "Plan")!.run!;

  /** The step's script as the runner runs it (bash -e), with `npx kaws` answering `code`. */
  function planStep(code: number) {
    const dir = folder();
    writeFileSync(join(dir, "npx"), `#!/usr/bin/env bash\necho "plan output"\nexit ${code}\n`);
    chmodSync(join(dir, "npx"), 0o755);
    const output = join(dir, "output");
    writeFileSync(output, "");
    const run = spawnSync("bash", ["-e", "-c", script], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${dir}:${process.env.PATH}`,
        CLUSTER: "prod",
        REF: "0".repeat(40),
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: join(dir, "summary"),
      },
    });
    return { status: run.status, outputs: readFileSync(output, "utf8") };
  }

  it.each([
    [0, 0, "changes=false\n"],
    [2, 0, "changes=true\n"],
    [1, 1, ""],
    [PROVISION_USAGE_EXIT, PROVISION_USAGE_EXIT, ""],
  ])(
    "when kaws exits %i, the step exits %i with outputs %j (apply runs only on changes=true)",
    (code, status, outputs) => {
      expect(planStep(code)).toEqual({ status, outputs });
    },
  );
});
