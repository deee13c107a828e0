import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runInActions } from "../../src/actions/run-in-actions.js";
import { FakeRepo } from "../helpers/fake-repo.js";
import { startFakeGitHubServer, type SeenRequest } from "../helpers/fake-github-server.js";
import { makeCsr, opensslVerify } from "../helpers/openssl.js";
import {
  APP_PRIVATE_KEY,
  captureLogs,
  pullRequestPayload,
  pushPayload,
  TEST_RETRY_DELAYS_MS,
  TestOctokit,
} from "../helpers/probot.js";
import { registeredKey } from "../helpers/pull-request-fixture.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo: built } = useRepo();
const eventsDir = mkdtempSync(join(tmpdir(), "kaws-actions-events-"));
afterAll(() => rmSync(eventsDir, { recursive: true, force: true }));

const STICKY = "<!-- kaws-bot:sticky -->";
const INSTALLATION_TOKEN = "token ghs_test-installation-token";
/** The workflow's own GITHUB_TOKEN, in the environment as a careless step would leave it. */
const WORKFLOW_TOKEN = "ghs_the-workflows-own-GITHUB_TOKEN";
const ERIN = ["pubkeys/erin.asc", "clusters/prod/admins/erin.csr", "clusters/prod/admins/erin.csr.asc"];

/** GitHub Actions writes event payloads without `installation`: the run finds the app's itself. */
function asActionsWritesIt<T extends { installation?: unknown }>(payload: T): Omit<T, "installation"> {
  const written: T = { ...payload };
  delete written.installation;
  return written;
}

/**
 * The PKI repository with erin's access request as PR #7 (dave is a maintainer), on the fake GitHub
 * served over HTTP; each `run` is one workflow run: the event written to a file as the runner
 * writes it, and the entry point run in this process with the environment GitHub Actions gives it.
 */
async function actionsRepository() {
  const objects = new FakeRepo();
  const baseSha = objects.commit(built().files);
  const { csr } = makeCsr("/CN=erin/O=developers");
  const request = {
    "pubkeys/erin.asc": ids().mallory.exportPublic(),
    "clusters/prod/admins/erin.csr": csr,
    "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(csr),
  };
  const headSha = objects.commit({ ...built().files, ...request });
  const fake = await startFakeGitHubServer({
    repo: objects,
    defaultSha: baseSha,
    mergeBaseSha: baseSha,
    gpgKeys: { erin: [registeredKey(ids().mallory)] },
  });
  const pull = pullRequestPayload({ headSha, baseSha, author: "erin" });
  fake.api.setPull(7, pull.pull_request);
  const { log, lines } = captureLogs("debug");
  let runs = 0;
  const run = (eventName: string, payload: unknown, env: Record<string, string | undefined> = {}) => {
    runs++;
    const eventPath = join(eventsDir, `${process.pid}-${Date.now()}-${runs}.json`);
    writeFileSync(eventPath, JSON.stringify(payload));
    return runInActions(
      {
        GITHUB_ACTIONS: "true",
        GITHUB_EVENT_NAME: eventName,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: "acme/cluster-keys",
        GITHUB_API_URL: fake.url,
        GITHUB_RUN_ID: String(5000 + runs),
        GITHUB_RUN_ATTEMPT: "1",
        GITHUB_TOKEN: WORKFLOW_TOKEN,
        APP_ID: "123",
        PRIVATE_KEY: APP_PRIVATE_KEY,
        KAWS_BOT_KEY: ids().bot.exportSecret(),
        ...env,
      },
      { Octokit: TestOctokit, log, retryDelaysMs: TEST_RETRY_DELAYS_MS, locks: { pollMs: 20 } },
    );
  };
  /** The merge GitHub makes of #7 (a squash commit the PR is associated with), not yet pushed to any run. */
  const merge = () => {
    const squash = objects.commit({ ...built().files, ...request }, {}, [baseSha], "Add erin (#7)");
    fake.api.refs.set("heads/main", squash);
    const mergedAt = new Date().toISOString();
    fake.api.setPull(7, { ...pull.pull_request, state: "closed", merged: true, merged_at: mergedAt });
    fake.api.setCommitPulls(squash, [
      {
        number: 7,
        merged_at: mergedAt,
        base: { ref: "main", sha: baseSha },
        head: { sha: headSha },
        user: { login: "erin" },
        html_url: pull.pull_request.html_url,
      },
    ]);
    const push = pushPayload({
      pull,
      before: baseSha,
      after: squash,
      commits: [{ id: squash, added: ERIN }],
    });
    return { squash, push: asActionsWritesIt(push) };
  };
  /** dave approves the head in a review; GitHub runs the relay workflow, whose completion starts kaws.yml. */
  const approve = () => {
    fake.api.addReview(7, "dave", "APPROVED", headSha, new Date(Date.now() - 60_000));
    return run("workflow_run", relayedReview(headSha, pull.repository));
  };
  return {
    ...fake,
    objects,
    baseSha,
    headSha,
    pull,
    logs: lines,
    run,
    merge,
    approve,
    /** The bot's check runs and sticky comments on the head. */
    runs: () => fake.api.checkRuns.filter((r) => r.head_sha === headSha && r.app.id === 123),
    stickies: () =>
      fake.api.comments.filter((c) => c.user.login === "kaws-bot[bot]" && c.body.startsWith(STICKY)),
    /** What the bot wrote to GitHub (a token exchange and a GraphQL read are not writes). */
    writes: () => fake.api.apiCalls().filter((c) => c.method !== "GET" && !c.path.endsWith("/graphql")),
    /** The bot's commits on the default branch (objects a failed ref update left behind are not). */
    botCommits: () => {
      const onBranch = [];
      for (let sha = fake.api.refs.get("heads/main"); sha !== undefined && sha !== baseSha;) {
        const commit = objects.required(sha);
        onBranch.unshift(commit);
        sha = commit.parents[0];
      }
      return onBranch.filter((c) => c.message.startsWith("kaws: "));
    },
    replies: () =>
      fake.api.comments.filter((c) => c.issue === 7 && c.body.includes("Issued on the default branch")),
    stop: async () => {
      fake.server.closeAllConnections();
      await new Promise((resolve) => fake.server.close(resolve));
    },
  };
}

/** The `workflow_run` event of the review relay (.github/workflows/kaws-review.yml), as GitHub writes it. */
function relayedReview(headSha: string, repository: unknown) {
  return {
    action: "completed",
    workflow_run: {
      id: 880,
      name: "kaws review",
      event: "pull_request_review",
      status: "completed",
      conclusion: "success",
      head_sha: headSha,
      head_branch: "erin-access",
      pull_requests: [{ number: 7, head: { sha: headSha, ref: "erin-access" }, base: { ref: "main" } }],
    },
    workflow: { name: "kaws review", path: ".github/workflows/kaws-review.yml" },
    repository,
    sender: { login: "dave", type: "User" },
  };
}

/** Calls made with the app's own JWT: who the app is, and which installation covers the repository. */
const APP_CALL =
  /^\/app$|^\/app\/installations\/\d+\/access_tokens$|^\/repos\/acme\/cluster-keys\/installation$/;

/** The claims of a JWT the app's private key signed, or a failed expectation. */
function appJwtClaims(authorization: string | undefined): { iss: unknown } {
  const [scheme, jwt] = (authorization ?? "").split(" ");
  expect(scheme?.toLowerCase()).toBe("bearer");
  const [header, claims, signature] = jwt!.split(".");
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${claims}`),
    createPublicKey(APP_PRIVATE_KEY),
    Buffer.from(signature!, "base64url"),
  );
  expect(signed).toBe(true);
  return JSON.parse(Buffer.from(claims!, "base64url").toString("utf8"));
}

function expectOnlyTheAppActed(seen: readonly SeenRequest[]) {
  expect(seen.length).toBeGreaterThan(0);
  for (const request of seen) {
    expect(request.authorization ?? "").not.toContain(WORKFLOW_TOKEN);
    const path = request.path.split("?")[0]!;
    if (APP_CALL.test(path)) expect(String(appJwtClaims(request.authorization).iss)).toBe("123");
    else expect(request.authorization, `${request.method} ${request.path}`).toBe(INSTALLATION_TOKEN);
  }
}

describe("GitHub Actions mode: the workflow's entry point on recorded events", () => {
  it("takes one onboarding PR from opened to certificate issued, acting only as the kaws app", async () => {
    const r = await actionsRepository();
    try {
      // opened: pull_request_target, judged by the default branch's code
      expect(await r.run("pull_request_target", asActionsWritesIt(r.pull))).toBe(0);
      expect(r.runs()).toHaveLength(1);
      expect(r.runs()[0]!.conclusion).not.toBe("success"); // nobody approved yet
      expect(r.stickies()).toHaveLength(1);

      // approved: dave's review, relayed through workflow_run
      expect(await r.approve()).toBe(0);
      expect(r.runs()).toHaveLength(1);
      expect(r.runs()[0]!.conclusion).toBe("success");
      expect(r.stickies()).toHaveLength(1);
      expect(r.stickies()[0]!.body).toContain("**Approvals:** 1 of 1 (@dave)");

      // merged: the push to the default branch
      const { squash, push } = r.merge();
      expect(await r.run("push", push)).toBe(0);
      const commits = r.botCommits();
      expect(commits).toHaveLength(1);
      const commit = commits[0]!;
      expect(commit.parents).toEqual([squash]);
      expect(r.api.refs.get("heads/main")).toBe(commit.sha);
      const pem = new TextDecoder().decode(
        r.objects.blobs.get(commit.files.get("clusters/prod/admins/erin.pem")!.oid)!,
      );
      const verdict = opensslVerify(built().pki.certificates.ca, pem, "sslclient");
      expect(verdict.status, verdict.stderr).toBe(0);
      expect(commit.message).toMatch(
        /Kaws-Certificate: prod\/erin serial=\S+ csr-sha256=[0-9a-f]{64} approvers=dave/,
      );
      expect(r.replies()).toHaveLength(1);

      // the app's own commit starts the push workflow again (the app token's pushes do): nothing left
      const again = pushPayload({
        pull: r.pull,
        before: squash,
        after: commit.sha,
        commits: [{ id: commit.sha, added: ["clusters/prod/admins/erin.pem"] }],
      });
      expect(await r.run("push", asActionsWritesIt(again))).toBe(0);
      expect(r.botCommits()).toHaveLength(1);
      expect(r.replies()).toHaveLength(1);
      expect(r.runs()).toHaveLength(1);
      expect(r.stickies()).toHaveLength(1);

      // every request carried the installation token or the app's JWT; GITHUB_TOKEN never left
      expectOnlyTheAppActed(r.seen);
      expect(r.seen.filter((s) => /\/access_tokens$/.test(s.path)).map((s) => s.path)).toContain(
        "/app/installations/4242/access_tokens",
      );
      // nor did the app's key or the bot's key reach a log line
      const logged = JSON.stringify(r.logs);
      expect(logged).not.toContain(APP_PRIVATE_KEY.split("\n")[1]!);
      expect(logged).not.toMatch(/PRIVATE KEY/);
      expect(logged).not.toContain(WORKFLOW_TOKEN);
    } finally {
      await r.stop();
    }
  });

  it("acts as the installation GitHub names for the repository, whatever the payload says", async () => {
    const r = await actionsRepository();
    try {
      const claimed = { ...r.pull, installation: { id: 999 } };
      expect(await r.run("pull_request_target", claimed)).toBe(0);
      expect(r.seen.filter((s) => s.path === "/repos/acme/cluster-keys/installation")).toHaveLength(1);
      const tokens = r.seen.filter((s) => /\/access_tokens$/.test(s.path)).map((s) => s.path);
      expect(new Set(tokens)).toEqual(new Set(["/app/installations/4242/access_tokens"]));
      expect(r.runs()).toHaveLength(1);
      expectOnlyTheAppActed(r.seen);
    } finally {
      await r.stop();
    }
  });

  it("on schedule, lands a merge whose push run never came, then finds nothing to do", async () => {
    const r = await actionsRepository();
    try {
      expect(await r.run("pull_request_target", asActionsWritesIt(r.pull))).toBe(0);
      expect(await r.approve()).toBe(0);
      const { squash } = r.merge(); // its push run was cancelled, or GitHub never started it
      expect(await r.run("schedule", { schedule: "17 * * * *" })).toBe(0);
      expect(r.botCommits()).toHaveLength(1);
      expect(r.botCommits()[0]!.parents).toEqual([squash]);
      expect(r.replies()).toHaveLength(1);

      const head = r.api.refs.get("heads/main");
      const before = r.writes().length;
      expect(await r.run("schedule", { schedule: "17 * * * *" })).toBe(0);
      expect(r.api.refs.get("heads/main")).toBe(head);
      expect(r.writes()).toHaveLength(before); // not even a comment or an issue
      expect(r.replies()).toHaveLength(1);
    } finally {
      await r.stop();
    }
  });

  it("commits nothing on schedule or by hand when the branch has nothing to do", async () => {
    const r = await actionsRepository();
    try {
      expect(await r.run("schedule", { schedule: "17 * * * *" })).toBe(0);
      const picture = r.writes().length; // the first run draws the access picture issue (and pins it)
      expect(r.api.issues.map((issue) => issue.title)).toEqual(["kaws: who can reach which cluster"]);
      expect(await r.run("workflow_dispatch", { inputs: {}, ref: "refs/heads/main" })).toBe(0);
      expect(r.api.refs.get("heads/main")).toBe(r.baseSha);
      expect(r.writes()).toHaveLength(picture); // the second: nothing at all
      // the repository was read: the reconcile ran and found nothing
      expect(r.api.calls.some((c) => c.path === "/repos/acme/cluster-keys/git/ref/heads/main")).toBe(true);
    } finally {
      await r.stop();
    }
  });

  it("exits non-zero when the work failed for good, and leaves the branch as it was", async () => {
    const r = await actionsRepository();
    try {
      expect(await r.run("pull_request_target", asActionsWritesIt(r.pull))).toBe(0);
      expect(await r.approve()).toBe(0);
      const { squash, push } = r.merge();
      // GitHub refuses the ref update at the first attempt and at each of the three retries
      for (let i = 0; i < 4; i++) r.api.failNext("PATCH", /\/git\/refs\/heads\/main$/);
      expect(await r.run("push", push)).toBe(1);
      expect(r.api.refs.get("heads/main")).toBe(squash);
      expect(r.logs.some((l) => String(l.msg).startsWith("work failed for good"))).toBe(true);
      // the next run (here the same event run again) finishes the job
      expect(await r.run("push", push)).toBe(0);
      expect(r.botCommits()).toHaveLength(1);
    } finally {
      await r.stop();
    }
  });

  it("does nothing for a relayed run of another event, and judges only the pull request at the relayed head", async () => {
    const r = await actionsRepository();
    try {
      const notAReview = relayedReview(r.headSha, r.pull.repository);
      notAReview.workflow_run.event = "push";
      expect(await r.run("workflow_run", notAReview)).toBe(0);
      expect(r.api.calls).toEqual([]);
      expect(await r.run("workflow_run", relayedReview("f".repeat(40), r.pull.repository))).toBe(0);
      expect(r.runs()).toEqual([]); // no open pull request has that head
      expect(await r.run("workflow_run", relayedReview(r.headSha, r.pull.repository))).toBe(0);
      expect(r.runs()).toHaveLength(1);
    } finally {
      await r.stop();
    }
  });

  it.each([
    [
      "an event the workflow never starts the bot on",
      { GITHUB_EVENT_NAME: "release" },
      /does not handle "release"/,
    ],
    ["no app private key", { PRIVATE_KEY: "" }, /PRIVATE_KEY is not set/],
    ["no app id", { APP_ID: undefined }, /APP_ID is not set/],
    [
      "an event file that is not there",
      { GITHUB_EVENT_PATH: join(eventsDir, "missing.json") },
      /could not be read/,
    ],
  ])("exits 2 and calls nobody on %s", async (_name, env, message) => {
    const r = await actionsRepository();
    try {
      expect(await r.run("pull_request_target", asActionsWritesIt(r.pull), env)).toBe(2);
      expect(r.seen).toEqual([]);
      expect(r.logs.map((l) => String(l.msg)).some((m) => message.test(m))).toBe(true);
    } finally {
      await r.stop();
    }
  });
});
