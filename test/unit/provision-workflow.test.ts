import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runStatus } from "../helpers/run.js";

interface Step {
  name?: string;
  uses?: string;
  id?: string;
  if?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
const workflow = parse(
  readFileSync(new URL("../../.github/workflows/provision.yml", import.meta.url), "utf8"),
) as {
  on: { workflow_dispatch: { inputs: Record<string, { required: boolean }> } };
  concurrency: { group: string; "cancel-in-progress": boolean };
  permissions: Record<string, string>;
  jobs: { provision: { env: Record<string, string>; steps: Step[] } };
};
const steps = workflow.jobs.provision.steps;
const step = (name: string) =>
  steps.find((s) => s.name === name || s.id === name || s.uses?.startsWith(name))!;
const work = mkdtempSync(join(tmpdir(), "kaws-workflow-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(".github/workflows/provision.yml", () => {
  it("takes exactly the inputs the bot dispatches, and runs one cluster at a time", () => {
    expect(Object.keys(workflow.on.workflow_dispatch.inputs).sort()).toEqual(["cluster", "ref"]);
    expect(workflow.concurrency).toEqual({
      group: "kaws-provision-${{ inputs.cluster }}",
      "cancel-in-progress": false,
    });
    expect(workflow.permissions).toEqual({ contents: "read", "id-token": "write", statuses: "write" });
    const reported = steps.filter((s) => s.run?.includes('context="kaws/provision/$CLUSTER"'));
    expect(reported.map((s) => s.name)).toEqual([
      "Report the run on the commit",
      "Report the result on the commit",
    ]);
    expect(reported[1]!.if).toContain("always()");
  });

  it("checks out the exact commit, gets AWS credentials through OIDC, and gives the bot key to apply only", () => {
    expect(step("actions/checkout").with).toMatchObject({
      ref: "${{ inputs.ref }}",
      "persist-credentials": false,
    });
    expect(step("aws-actions/configure-aws-credentials").with).toMatchObject({
      "role-to-assume": "${{ vars.KAWS_AWS_ROLE_ARN }}",
      "aws-region": "${{ steps.cluster.outputs.region }}",
    });
    expect(step("Plan").run).toContain('npx kaws provision plan "$CLUSTER"');
    expect(step("Apply").run).toBe('npx kaws provision apply "$CLUSTER"');
    const withBotKey = steps.filter((s) => JSON.stringify(s).includes("secrets.KAWS_BOT_KEY"));
    expect(withBotKey.map((s) => s.name)).toEqual(["Apply"]);
    // inputs reach shell scripts through the environment only, never pasted into the script
    for (const s of steps) expect(s.run ?? "").not.toContain("${{");
  });

  it("refuses inputs that are not a cluster name and a full commit SHA", () => {
    const check = (cluster: string, ref: string) =>
      runStatus("bash", ["-e", "-c", step("Check the inputs").run!], { env: { CLUSTER: cluster, REF: ref } });
    expect(check("prod", "a".repeat(40)).status).toBe(0);
    expect(check("prod; rm -rf /", "a".repeat(40)).stdout).toContain(
      "::error::cluster must be a cluster name",
    );
    expect(check("prod", "main").status).toBe(1);
  });

  it("applies only when the plan exits 2, and fails on a plan error", () => {
    const bin = join(work, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "npx"), '#!/bin/sh\necho "planned $4"\nexit "$PLAN_EXIT"\n');
    chmodSync(join(bin, "npx"), 0o755);
    const plan = (exit: number) => {
      const output = join(work, `output-${exit}`);
      const summary = join(work, `summary-${exit}`);
      writeFileSync(output, "");
      const result = runStatus("bash", ["-e", "-c", step("Plan").run!], {
        cwd: work,
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          PLAN_EXIT: String(exit),
          CLUSTER: "prod",
          REF: "b".repeat(40),
          GITHUB_OUTPUT: output,
          GITHUB_STEP_SUMMARY: summary,
        },
      });
      return {
        status: result.status,
        output: readFileSync(output, "utf8"),
        summary: readFileSync(summary, "utf8"),
      };
    };
    expect(plan(0)).toMatchObject({ status: 0, output: "changes=false\n" });
    const changes = plan(2);
    expect(changes).toMatchObject({ status: 0, output: "changes=true\n" });
    expect(changes.summary).toContain("planned prod");
    expect(plan(1)).toMatchObject({ status: 1, output: "" });
    expect(step("Apply").if).toBe("steps.plan.outputs.changes == 'true'");
  });
});
