import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { actionsWorkOf } from "../../src/actions/actions-work.js";
import { parseKawsCommand } from "../../src/core/policy/kaws-commands.js";
import { seenRecord } from "../../src/github/seen-record.js";
import { evaluateExpression, truthy } from "../helpers/github-expression.js";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  if?: string;
  environment?: unknown;
  permissions?: unknown;
  concurrency?: { group: string; "cancel-in-progress"?: boolean; queue?: string };
  "timeout-minutes"?: number;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, { types?: string[]; branches?: string[]; workflows?: string[] } | null>;
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const read = (file: string) =>
  readFileSync(new URL(`../../.github/workflows/${file}`, import.meta.url), "utf8");
const WORKFLOWS = ["kaws.yml", "kaws-review.yml", "provision.yml", "ci.yml"].map((file) => ({
  file,
  text: read(file),
  workflow: parse(read(file)) as Workflow,
}));
const kaws = WORKFLOWS[0]!.workflow;
const relay = WORKFLOWS[1]!.workflow;
const bot = kaws.jobs.bot!;
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

/** Every string in a parsed workflow, with the keys that lead to it. */
function strings(value: unknown, path: string[] = []): { path: string[]; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => strings(inner, [...path, key]));
}

describe.each(WORKFLOWS)("$file, as actionlint would read it", ({ text, workflow }) => {
  it("pins every action to a full commit SHA, with the version it is in a comment", () => {
    const uses = steps(workflow).flatMap((s) => (s.uses === undefined ? [] : [s.uses]));
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const lines = text.split("\n").filter((line) => /^\s*-?\s*uses:/.test(line));
    expect(lines).toHaveLength(uses.length);
    for (const line of lines) expect(line).toMatch(/@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  it("pastes no expression into a shell script: event data reaches `run` through env only", () => {
    for (const step of steps(workflow)) {
      expect(step.run ?? "").not.toContain("${{");
      expect(step.run ?? "").not.toMatch(/github\.(event|head_ref)/);
    }
  });

  it("says what its GITHUB_TOKEN may do, and hands secrets to steps only through env", () => {
    expect(workflow.permissions).toBeDefined();
    for (const { path, text: value } of strings(workflow))
      if (/\bsecrets\./.test(value)) expect(path.at(-2), path.join(".")).toBe("env");
  });

  it("never checks out or runs a pull request's head", () => {
    for (const step of steps(workflow).filter((s) => s.uses?.startsWith("actions/checkout@"))) {
      const target = `${String(step.with?.ref ?? "")} ${String(step.with?.repository ?? "")}`;
      expect(target).not.toMatch(
        /pull_request\.head|head_ref|refs\/pull\/|merge_commit_sha|workflow_run\.head/,
      );
    }
    expect(text).not.toMatch(/refs\/pull\//);
  });

  it("names no job `kaws`: that check is the app's, and a workflow's would pass for it", () => {
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect(id.toLowerCase()).not.toBe("kaws");
      expect((job.name ?? "").toLowerCase()).not.toBe("kaws");
    }
  });
});

describe(".github/workflows/kaws.yml: the bot inside GitHub Actions", () => {
  it("runs on the events of the issue, and the entry point handles each of them", () => {
    expect(kaws.on).toEqual({
      pull_request_target: { types: ["opened", "synchronize", "reopened", "ready_for_review"] },
      issue_comment: { types: ["created", "edited", "deleted"] },
      push: { branches: ["main"] },
      workflow_run: { workflows: [relay.name], types: ["completed"] },
      schedule: [{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }],
      workflow_dispatch: null,
    });
    for (const event of Object.keys(kaws.on)) expect(() => actionsWorkOf(event, {})).not.toThrow();
    // and never on the events whose runs take the pull request's own copy of the workflow
    expect(Object.keys(kaws.on)).not.toContain("pull_request");
    expect(Object.keys(kaws.on)).not.toContain("pull_request_review");
  });

  it("gives GITHUB_TOKEN nothing but reading the code, and the keys only to the step that runs the bot", () => {
    expect(kaws.permissions).toEqual({});
    expect(Object.keys(kaws.jobs)).toEqual(["bot"]);
    expect(bot.permissions).toEqual({ contents: "read" });
    expect(bot.environment).toBe("kaws");
    expect(bot["timeout-minutes"]).toBeGreaterThan(0);
    const last = bot.steps.at(-1)!;
    expect(last.run).toBe("npm run --silent actions");
    expect(last.env).toEqual({
      APP_ID: "${{ vars.KAWS_APP_ID }}",
      PRIVATE_KEY: "${{ secrets.KAWS_APP_PRIVATE_KEY }}",
      KAWS_BOT_KEY: "${{ secrets.KAWS_BOT_KEY }}",
      KAWS_BOT_KEY_PASSPHRASE: "${{ secrets.KAWS_BOT_KEY_PASSPHRASE }}",
    });
    for (const step of bot.steps.slice(0, -1)) expect(JSON.stringify(step)).not.toMatch(/secrets\./);
    expect(WORKFLOWS[0]!.text).not.toMatch(/github\.token|secrets\.GITHUB_TOKEN/);
    const scripts = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).scripts;
    expect(scripts.actions).toBe("node dist/actions.js");
  });

  it("runs the default branch's code at the run's own commit, keeping no credentials in the checkout", () => {
    const checkouts = bot.steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]!.with).toEqual({ ref: "${{ github.sha }}", "persist-credentials": false });
    expect(bot.steps.findIndex((s) => s.uses?.startsWith("actions/checkout@"))).toBe(0);
  });

  it("holds no secret in the review relay, which runs the pull request's copy of the workflows", () => {
    expect(relay.on).toEqual({ pull_request_review: { types: ["submitted", "edited", "dismissed"] } });
    expect(relay.permissions).toEqual({});
    const job = Object.values(relay.jobs);
    expect(job).toHaveLength(1);
    expect(job[0]).not.toHaveProperty("environment");
    expect(job[0]!.steps.every((step) => step.uses === undefined)).toBe(true);
    expect(JSON.stringify(relay)).not.toMatch(/secrets\.|vars\.|github\.token/);
  });
});

/** The `github` context of a run, as GitHub Actions gives it for an event. */
function github(event_name: string, event: Record<string, unknown>, ref = "refs/heads/main") {
  return { github: { event_name, event, ref, sha: "c".repeat(40) } };
}
const repository = { default_branch: "main" };
const pullRequestEvent = (base = "main") =>
  github("pull_request_target", { pull_request: { number: 7, base: { ref: base } }, repository });
const comment = (
  body: string,
  options: { action?: string; from?: string; bot?: boolean; onIssue?: boolean } = {},
) =>
  github("issue_comment", {
    action: options.action ?? "created",
    issue: {
      number: 7,
      ...(options.onIssue ? {} : { pull_request: { url: "https://example.test/pulls/7" } }),
    },
    comment: {
      id: 1,
      body,
      created_at: "2030-01-01T00:00:00Z",
      user: { login: "dave", type: options.bot ? "Bot" : "User" },
    },
    ...(options.from === undefined ? {} : { changes: { body: { from: options.from } } }),
    repository,
  });
const relayed = (event: string, pullRequests: unknown[] = [{ number: 7 }]) =>
  github("workflow_run", {
    workflow_run: { event, head_sha: "e".repeat(40), pull_requests: pullRequests },
    repository,
  });
const push = (ref: string) => github("push", { repository }, ref);

describe("kaws.yml's job `if` and concurrency group, evaluated on sample events", () => {
  const runs = (context: ReturnType<typeof github>) => truthy(evaluateExpression(bot.if!, context));
  const group = (context: ReturnType<typeof github>) => evaluateExpression(bot.concurrency!.group, context);

  it("runs for pull requests into the default branch, pushes to it, relayed reviews, the schedule and by hand", () => {
    expect(runs(pullRequestEvent())).toBe(true);
    expect(runs(push("refs/heads/main"))).toBe(true);
    expect(runs(relayed("pull_request_review"))).toBe(true);
    expect(runs(github("schedule", { schedule: "17 * * * *" }))).toBe(true);
    expect(runs(github("workflow_dispatch", { inputs: {}, repository }))).toBe(true);
  });

  it("skips pull requests into another branch, pushes elsewhere, and relays of anything but a review", () => {
    expect(runs(pullRequestEvent("release"))).toBe(false);
    expect(runs(push("refs/heads/feature"))).toBe(false);
    expect(runs(push("refs/tags/main"))).toBe(false);
    expect(runs(relayed("push"))).toBe(false);
  });

  it("skips a comment only when the handler would do nothing with it", () => {
    const samples: [string, Parameters<typeof comment>[1], boolean][] = [
      ["/kaws approve", {}, true],
      ["LGTM\n/kaws approve " + "a".repeat(40), {}, true],
      ["/kaws approve cancel", { action: "deleted" }, true],
      ["thanks", { action: "edited", from: "/kaws approve cancel" }, true],
      ["/kaws approve", { action: "edited", from: "/kaws approve" }, true],
      ["/kaws reencrypt", { onIssue: true }, true],
      ["/KAWS approve", {}, true], // the handler reads no command here: a run for nothing, never a miss
      ["looks good to me", {}, false],
      ["nice", { action: "edited", from: "nice!" }, false],
      ["/kaws approve", { bot: true }, false],
      ["<!-- kaws-bot:sticky -->\n/kaws approve <sha>", { bot: true, action: "edited" }, false],
    ];
    for (const [body, options, expected] of samples) {
      const context = comment(body, options);
      const seen = seenRecord(context.github.event as unknown as Parameters<typeof seenRecord>[0]);
      const handlerActs =
        !options?.bot &&
        (parseKawsCommand(body) !== null || seen.cancels.length + seen.editedComments.length > 0);
      const label = `${body} ${JSON.stringify(options)}`;
      expect(runs(context), label).toBe(expected);
      // never skipped when the handler would act: a cancel, an edited approval, a command
      if (handlerActs) expect(runs(context), label).toBe(true);
    }
  });

  it("serialises one pull request, and the default branch, keeping every waiting run", () => {
    expect(bot.concurrency).toMatchObject({ "cancel-in-progress": false, queue: "max" });
    expect(group(pullRequestEvent())).toBe("kaws-pr-7");
    expect(group(comment("/kaws approve"))).toBe("kaws-pr-7");
    expect(group(relayed("pull_request_review"))).toBe("kaws-pr-7");
    // a fork's review relay names no pull request: its head keeps it apart from other pull requests
    expect(group(relayed("pull_request_review", []))).toBe(`kaws-pr-${"e".repeat(40)}`);
    expect(group(comment("/kaws reencrypt", { onIssue: true }))).toBe("kaws-branch");
    expect(group(push("refs/heads/main"))).toBe("kaws-branch");
    expect(group(github("schedule", { schedule: "17 * * * *" }))).toBe("kaws-branch");
  });
});
