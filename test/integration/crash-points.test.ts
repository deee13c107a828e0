import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { CLUSTER_YML, type Files } from "../helpers/build-repo.js";
import { makeCsr } from "../helpers/openssl.js";
import { commentPayload, pullRequestPayload, reviewPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";
import { squashMerge } from "../helpers/squash-merge.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo: built } = useRepo();
afterEach(() => nock.cleanAll());

const minutes = (n: number) => new Date(built().now.getTime() + n * 60_000);

/**
 * Erin's approved request (#7) is merged together with a new cluster: the reconcile writes ONE
 * commit (her certificate and the cluster's PKI), moves the branch, replies on #7, and dispatches
 * provisioning of the new cluster after its commit status. The bot process dies at one point of
 * that, a new process gets GitHub's redelivery of the push, and the end must be that of one run.
 */
async function mergedRequestAndCluster(clock?: () => Date) {
  const { csr } = makeCsr("/CN=erin/O=developers");
  const request: Files = {
    "pubkeys/erin.asc": ids().mallory.exportPublic(),
    "clusters/prod/admins/erin.csr": csr,
    "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(csr),
  };
  const fixture = pullRequestFixture(
    built().files,
    { files: request },
    { erin: [registeredKey(ids().mallory)] },
    {},
    { now: clock },
  );
  const pull = pullRequestPayload({ headSha: fixture.headSha, baseSha: fixture.baseSha, author: "erin" });
  const first = await startWebhookServer({ now: () => new Date(), botKey: ids().bot.exportSecret() });
  try {
    expect(await first.deliver("pull_request", pull, "opened")).toBe(200);
    fixture.github.addReview(7, "dave", "APPROVED", fixture.headSha, minutes(5));
    const review = reviewPayload({
      pull,
      reviewer: "dave",
      state: "approved",
      commitId: fixture.headSha,
      at: minutes(5),
    });
    expect(await first.deliver("pull_request_review", review, "review")).toBe(200);
  } finally {
    await first.stop();
  }
  const { squash, push } = squashMerge(fixture.github, fixture.repo, {
    pull,
    baseSha: fixture.baseSha,
    headSha: fixture.headSha,
    files: { ...built().files, ...request, "clusters/staging/cluster.yml": CLUSTER_YML },
    added: [...Object.keys(request), "clusters/staging/cluster.yml"],
    mergedAt: minutes(10),
    message: "Add erin and staging (#7)",
  });
  return { ...fixture, squash, push, pull };
}

const CRASH_POINTS: [string, string, RegExp, "before" | "after"][] = [
  ["before the commit is written", "POST", /\/git\/commits$/, "before"],
  ["after the commit, before the branch moves", "PATCH", /\/git\/refs\/heads\/main$/, "before"],
  ["after the branch moved, before the reply", "PATCH", /\/git\/refs\/heads\/main$/, "after"],
  ["after the reply, before the status", "POST", /\/issues\/7\/comments$/, "after"],
  ["after the dispatch", "POST", /\/actions\/workflows\/provision\.yml\/dispatches$/, "after"],
];

describe("a bot process killed mid-reconcile, then GitHub's redelivery to a new process", () => {
  it.each(CRASH_POINTS)(
    "killed %s: one commit, one reply, one dispatch",
    async (_point, method, at, when) => {
      const f = await mergedRequestAndCluster();
      f.github.crashAt(method, at, when);
      const dying = await startWebhookServer({
        now: () => new Date(),
        botKey: ids().bot.exportSecret(),
        logLevel: "silent",
      });
      try {
        await dying.deliver("push", f.push, "push-1");
        expect(f.github.crashed).toBe(true);
      } finally {
        await dying.stop();
      }
      f.github.revive();
      const next = await startWebhookServer({ now: () => new Date(), botKey: ids().bot.exportSecret() });
      try {
        expect(await next.deliver("push", f.push, "push-1")).toBe(200); // the same delivery, redelivered
        expect(await next.deliver("push", f.push, "push-1")).toBe(200); // and once more: nothing to do
      } finally {
        await next.stop();
      }

      const tip = f.github.refs.get("heads/main")!;
      const landed = f.repo.required(tip);
      expect(landed.parents).toEqual([f.squash]); // exactly one bot commit on the branch
      expect(landed.files.has("clusters/prod/admins/erin.pem")).toBe(true);
      expect(landed.files.has("clusters/staging/ca.pem")).toBe(true);
      const replies = f.github.comments.filter(
        (c) => c.issue === 7 && c.body.includes("Issued on the default branch"),
      );
      expect(replies).toHaveLength(1);
      expect(f.github.dispatches).toEqual([
        { workflow: "provision.yml", ref: "main", inputs: { cluster: "staging", ref: tip } },
      ]);
      expect(f.github.statuses.filter((s) => s.context === "kaws/provision/staging")).toEqual([
        expect.objectContaining({ sha: tip, state: "pending" }),
      ]);
    },
  );

  it("killed after the status, before the dispatch: never dispatched twice; `/kaws provision` dispatches it", async () => {
    let later = 0; // how far GitHub's and the bot's clocks have moved on
    const clock = () => new Date(Date.now() + later);
    const f = await mergedRequestAndCluster(clock);
    f.github.crashAt("POST", /\/dispatches$/, "before");
    const dying = await startWebhookServer({
      now: () => new Date(),
      botKey: ids().bot.exportSecret(),
      logLevel: "silent",
    });
    try {
      await dying.deliver("push", f.push, "push-1");
    } finally {
      await dying.stop();
    }
    f.github.revive();
    const next = await startWebhookServer({
      now: clock,
      botKey: ids().bot.exportSecret(),
      locks: { pollMs: 20, staleMs: 200 }, // the dead process's lock is left behind
    });
    const tip = f.github.refs.get("heads/main")!;
    try {
      expect(await next.deliver("push", f.push, "push-1")).toBe(200);
      expect(f.repo.required(tip).parents).toEqual([f.squash]);
      // at most once: the pending status stands for a dispatch the bot cannot prove did not happen
      expect(f.github.dispatches).toEqual([]);
      expect(f.github.statuses.filter((s) => s.context === "kaws/provision/staging")).toEqual([
        expect.objectContaining({
          sha: tip,
          state: "pending",
          description: "provisioning staging dispatched",
        }),
      ]);
      // a maintainer sees no run for a quarter of an hour and asks: the unanswered dispatch is made, once
      const ask = async (id: number) => {
        const body = "/kaws provision staging";
        f.github.addComment(44, "dave", body, new Date());
        const payload = commentPayload({ pull: f.pull, id, login: "dave", body, at: new Date() });
        const issue: Record<string, unknown> = { ...payload.issue, number: 44 };
        delete issue.pull_request;
        expect(await next.deliver("issue_comment", { ...payload, issue }, `c${id}`)).toBe(200);
      };
      await ask(1); // too early to tell a lost dispatch from a queued run
      expect(f.github.dispatches).toEqual([]);
      expect(f.github.comments.at(-1)!.body).toContain("already dispatched (its run is pending)");
      later = 16 * 60_000;
      await ask(2);
      expect(f.github.dispatches.map((d) => d.inputs)).toEqual([{ cluster: "staging", ref: tip }]);
      expect(f.github.comments.at(-1)!.body).toContain(
        "never reported a run: dispatched `provision.yml` again",
      );
      await ask(3); // asked again before the new run reports: already dispatched
      expect(f.github.dispatches).toHaveLength(1);
    } finally {
      await next.stop();
    }
  });
});

describe("GitHub failing for a while, the same process", () => {
  it("dispatches once when GitHub takes the dispatch and its answer never comes", async () => {
    const f = await mergedRequestAndCluster();
    // GitHub records the dispatch, then the connection hangs: the bot times out and tries the work again
    f.github.meanwhile("POST", /\/dispatches$/, () =>
      f.github.dispatches.push({
        workflow: "provision.yml",
        ref: "main",
        inputs: { cluster: "staging", ref: f.github.refs.get("heads/main")! },
      }),
    );
    f.github.hangNext("POST", /\/dispatches$/);
    const server = await startWebhookServer({
      now: () => new Date(),
      botKey: ids().bot.exportSecret(),
      github: { timeoutMs: 1_000 },
      logLevel: "silent",
    });
    try {
      expect(await server.deliver("push", f.push, "push-1")).toBe(200);
    } finally {
      await server.stop();
    }
    expect(f.github.dispatches).toHaveLength(1);
    // the outcome was unknown, said so; the run GitHub listed showed the dispatch had landed
    expect(
      f.github.statuses.filter((s) => s.context === "kaws/provision/staging").map((s) => s.description),
    ).toEqual([
      "provisioning staging dispatched",
      "provisioning staging: dispatch sent, GitHub's answer lost",
    ]);
  });

  it("dispatches again when GitHub's 502 was a refusal: no run listed a minute on", async () => {
    let later = 0; // how far GitHub's and the bot's clocks have moved on
    const clock = () => new Date(Date.now() + later);
    const f = await mergedRequestAndCluster(clock);
    f.github.failNext("POST", /\/dispatches$/, 502);
    // the first look at the runs finds none; a minute passes before the next
    f.github.meanwhile("GET", /\/actions\/workflows\/provision\.yml\/runs/, () => void (later = 61_000));
    const server = await startWebhookServer({
      now: clock,
      botKey: ids().bot.exportSecret(),
      logLevel: "silent",
    });
    try {
      expect(await server.deliver("push", f.push, "push-1")).toBe(200);
    } finally {
      await server.stop();
    }
    expect(f.github.dispatches).toHaveLength(1);
  });

  it("ends with one commit, one reply, one dispatch through 5xx bursts and secondary rate limits", async () => {
    const f = await mergedRequestAndCluster();
    const server = await startWebhookServer({
      now: () => new Date(),
      botKey: ids().bot.exportSecret(),
      github: { sleep: async () => undefined },
      logLevel: "error",
    });
    try {
      // a secondary rate limit at every step (each waited out in place), and a 5xx at three of
      // them (each fails the attempt: the work is tried again from the branch as it is)
      const steps = [
        ["GET", /\/git\/trees\//, true],
        ["POST", /\/git\/commits$/, false],
        ["PATCH", /\/git\/refs\/heads\/main$/, true],
        ["POST", /\/issues\/7\/comments$/, false],
        ["POST", /\/statuses\//, false],
        ["POST", /\/dispatches$/, false], // a 5xx there waits for GitHub to list the run: below
      ] as const;
      for (const [method, path, burst] of steps) {
        f.github.failNext(method, path, 403, "You have exceeded a secondary rate limit.", {
          "retry-after": "1",
        });
        if (burst) f.github.failNext(method, path, 502);
      }
      expect(await server.deliver("push", f.push, "push-1")).toBe(200);
    } finally {
      await server.stop();
    }
    const tip = f.github.refs.get("heads/main")!;
    expect(f.repo.required(tip).parents).toEqual([f.squash]);
    expect(f.github.comments.filter((c) => c.issue === 7 && c.body.includes("Issued on"))).toHaveLength(1);
    expect(f.github.dispatches.map((d) => d.inputs)).toEqual([{ cluster: "staging", ref: tip }]);
  });
});
