import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import type { Finding } from "../../src/core/findings.js";
import type { ChangeEvaluation } from "../../src/core/policy/evaluate-change.js";
import { renderCheckRun, SUMMARY_LIMIT } from "../../src/core/report/check-run-report.js";
import { listOwnCheckRuns } from "../../src/github/list-own-check-runs.js";
import { publishCheckRun } from "../../src/github/publish-check-run.js";
import { BOT_APP } from "../helpers/fake-github-api.js";
import { fakeGitHub } from "../helpers/fake-github.js";
import { FakeRepo } from "../helpers/fake-repo.js";
import { TestOctokit } from "../helpers/probot.js";

afterEach(() => nock.cleanAll());

const evaluation = {
  kind: "privileged",
  author: "carol",
  requests: [],
  pending: [],
  codePaths: [],
  requiredApprovals: 1,
} as unknown as ChangeEvaluation;

function findings(count: number, messageLength = 40): Finding[] {
  return Array.from({ length: count }, (_, i) => ({
    rule: "tree.unexpected-file",
    severity: "error" as const,
    path: `clusters/prod/file-${String(i).padStart(4, "0")}`,
    message: "x".repeat(messageLength),
  }));
}

describe("the check run stays within GitHub's limits", () => {
  it("caps the summary at 65,535 characters and says how many findings were left out", () => {
    const many = findings(3000, 200);
    const report = renderCheckRun({
      evaluation,
      findings: many,
      bindings: [],
      approvals: { approvers: [], required: 1, satisfied: false, ignored: [] },
      headSha: "a".repeat(40),
      headPaths: new Set(many.map((f) => f.path)),
    });
    expect(report.summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    const shown = report.summary.split("\n").filter((line) => line.startsWith("| ❌")).length;
    expect(shown).toBeGreaterThan(100);
    expect(report.summary).toContain(
      `…and ${3000 - shown} more finding(s) not shown: run \`npx kaws check\` locally`,
    );
    expect(report.annotations).toHaveLength(3000);
  });

  it("makes a new run with every annotation when a batch of an earlier one was lost (GitHub keeps what it got)", async () => {
    const repo = new FakeRepo();
    const github = fakeGitHub({ repo, defaultSha: "0", mergeBaseSha: "0" });
    const many = findings(120);
    const report = renderCheckRun({
      evaluation,
      findings: many,
      bindings: [],
      approvals: { approvers: [], required: 1, satisfied: false, ignored: [] },
      headSha: "c".repeat(40),
      headPaths: new Set(many.map((f) => f.path)),
    });
    const octokit = new TestOctokit({ auth: "token test" });
    const target = { owner: "acme", repo: "cluster-keys" };
    const pull = { number: 1, headSha: "c".repeat(40), htmlUrl: "https://example.test/pr/1" };
    const ours = async () => (await listOwnCheckRuns(octokit, target, pull.headSha, BOT_APP.id, 1)).at(-1);
    github.failNext("PATCH", /\/check-runs\/\d+$/, 502); // the second batch of 50 is lost
    await expect(publishCheckRun(octokit, target, pull, report, undefined)).rejects.toMatchObject({
      status: 502,
    });
    // tried again: the run with 50 of 120 annotations is not taken for a complete one
    expect(await publishCheckRun(octokit, target, pull, report, await ours())).toBe("created");
    expect(await publishCheckRun(octokit, target, pull, report, await ours())).toBe("unchanged");
    expect(github.checkRuns).toHaveLength(2);
    const annotationsSent = github.calls
      .filter((c) => c.method !== "GET")
      .slice(-3) // the new run: its create and two updates
      .reduce(
        (sum, c) => sum + (c.body as { output: { annotations: unknown[] } }).output.annotations.length,
        0,
      );
    expect(annotationsSent).toBe(120);
  });

  it("sends annotations 50 per request: one create, then updates", async () => {
    const repo = new FakeRepo();
    const github = fakeGitHub({ repo, defaultSha: "0", mergeBaseSha: "0" });
    const many = findings(120);
    const report = renderCheckRun({
      evaluation,
      findings: many,
      bindings: [],
      approvals: { approvers: [], required: 1, satisfied: false, ignored: [] },
      headSha: "b".repeat(40),
      headPaths: new Set(many.map((f) => f.path)),
    });
    const octokit = new TestOctokit({ auth: "token test" });
    const pull = { number: 1, headSha: "b".repeat(40), htmlUrl: "https://example.test/pr/1" };
    const result = await publishCheckRun(
      octokit,
      { owner: "acme", repo: "cluster-keys" },
      pull,
      report,
      undefined,
    );
    expect(result).toBe("created");
    const writes = github.calls.filter((c) => c.method !== "GET");
    expect(
      writes.map((c) => [
        c.method,
        (c.body as { output: { annotations: unknown[] } }).output.annotations.length,
      ]),
    ).toEqual([
      ["POST", 50],
      ["PATCH", 50],
      ["PATCH", 20],
    ]);
    expect(
      await publishCheckRun(
        octokit,
        { owner: "acme", repo: "cluster-keys" },
        pull,
        report,
        (
          await listOwnCheckRuns(
            octokit,
            { owner: "acme", repo: "cluster-keys" },
            pull.headSha,
            BOT_APP.id,
            1,
          )
        ).at(-1),
      ),
    ).toBe("unchanged");
  });
});
