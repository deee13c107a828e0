import { describe, expect, it } from "vitest";
import { actionsWorkOf, UnknownActionsEventError } from "../../src/actions/actions-work.js";
import { actionsSettingsOf, ActionsUsageError } from "../../src/actions/actions-settings.js";

const SHA = "a".repeat(40);
const relay = (event: unknown, headSha: unknown = SHA) => ({ workflow_run: { event, head_sha: headSha } });

describe("actionsWorkOf: what a run in GitHub Actions does with its event", () => {
  it.each([
    ["pull_request_target", {}, { kind: "delivery", name: "pull_request" }],
    ["issue_comment", {}, { kind: "delivery", name: "issue_comment" }],
    ["push", {}, { kind: "delivery", name: "push" }],
    ["schedule", { schedule: "17 * * * *" }, { kind: "reconcile" }],
    ["workflow_dispatch", {}, { kind: "reconcile" }],
    ["workflow_run", relay("pull_request_review"), { kind: "judge-head", headSha: SHA }],
  ])("%s", (name, payload, work) => {
    expect(actionsWorkOf(name, payload)).toEqual(work);
  });

  it("takes nothing but a head to judge again from a relayed run, and only from a review's", () => {
    expect(actionsWorkOf("workflow_run", relay("push")).kind).toBe("ignore");
    expect(actionsWorkOf("workflow_run", relay("pull_request_review", "main")).kind).toBe("ignore");
    expect(actionsWorkOf("workflow_run", relay("pull_request_review", SHA.toUpperCase())).kind).toBe(
      "ignore",
    );
    expect(actionsWorkOf("workflow_run", {}).kind).toBe("ignore");
  });

  it("refuses an event the workflow never starts the bot on", () => {
    for (const name of ["release", "workflow_call", ""])
      expect(() => actionsWorkOf(name, {})).toThrow(UnknownActionsEventError);
  });

  it("refuses, saying why, the events whose runs take the pull request's own copy of the workflow", () => {
    for (const name of ["pull_request", "pull_request_review", "pull_request_review_comment"])
      expect(() => actionsWorkOf(name, {})).toThrow(/pull request's own copy of the workflow/);
  });
});

describe("actionsSettingsOf", () => {
  const env = {
    APP_ID: "123",
    PRIVATE_KEY: "pem",
    GITHUB_EVENT_NAME: "push",
    GITHUB_EVENT_PATH: "/runner/event.json",
    GITHUB_REPOSITORY: "acme/cluster-keys",
  };

  it("reads the runner's variables, and takes GitHub Enterprise Server's API from GITHUB_API_URL", () => {
    const settings = actionsSettingsOf({
      ...env,
      GITHUB_API_URL: "https://ghe.example.com/api/v3/",
      GITHUB_RUN_ID: "77",
      GITHUB_RUN_ATTEMPT: "2",
      GITHUB_TOKEN: "ghs_never-read",
    });
    expect(settings).toMatchObject({
      repo: { owner: "acme", repo: "cluster-keys" },
      apiUrl: "https://ghe.example.com/api/v3",
      deliveryId: "77-2",
      logLevel: "info",
    });
    expect(JSON.stringify(settings)).not.toContain("ghs_never-read");
    expect(actionsSettingsOf(env).apiUrl).toBe("https://api.github.com");
  });

  it.each([
    [{ APP_ID: "" }, /APP_ID is not set/],
    [{ APP_ID: "kaws" }, /numeric id/],
    [{ GITHUB_REPOSITORY: "acme" }, /owner\/name/],
    [{ GITHUB_REPOSITORY: "acme/keys/extra" }, /owner\/name/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    [{ GITHUB_EVENT_PATH: undefined }, /GITHUB_EVENT_PATH is not set/],
  ])("refuses %o", (change, message) => {
    expect(() => actionsSettingsOf({ ...env, ...change })).toThrow(ActionsUsageError);
    expect(() => actionsSettingsOf({ ...env, ...change })).toThrow(message);
  });
});
