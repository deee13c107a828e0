import { afterEach, describe, expect, it } from "vitest";
import nock from "nock";
import { commentPayload, pullRequestPayload, reviewPayload, startWebhookServer } from "../helpers/probot.js";
import { erinOverHttp } from "../helpers/erin-over-http.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

const STICKY = "<!-- kaws-bot:sticky -->";
/** Long enough that both replicas have read GitHub before either writes. */
const SLOW_MS = 400;

/**
 * Two replicas of the app — two processes' worth of memory, queues and delivery ids — on ONE fake
 * GitHub served over HTTP, with erin's access request as PR #7 (dave is a maintainer).
 */
async function twoReplicas() {
  const { fake, baseSha, headSha, close } = await erinOverHttp(ids(), repo().files);
  const replica = () => startWebhookServer({ baseUrl: fake.url, logLevel: "silent", locks: { pollMs: 20 } });
  const replicas = [await replica(), await replica()] as const;
  const pull = pullRequestPayload({ headSha, baseSha, author: "erin" });
  fake.api.setPull(7, pull.pull_request);
  return {
    ...fake,
    baseSha,
    headSha,
    pull,
    replicas,
    runs: () => fake.api.checkRuns.filter((run) => run.head_sha === headSha && run.app.id === 123),
    stickies: () =>
      fake.api.comments.filter((c) => c.user.login === "kaws-bot[bot]" && c.body.startsWith(STICKY)),
    lockWrites: () =>
      fake.api.calls.filter((c) => /\/git\/refs(\/kaws-bot|$)/.test(c.path) && c.method !== "GET"),
    stop: async () => {
      await Promise.all(replicas.map((r) => r.stop()));
      await close();
    },
  };
}

describe("two replicas on one pull request", () => {
  it("leave one check run and one sticky comment when one gets `opened` and the other a review at once", async () => {
    const r = await twoReplicas();
    try {
      // each replica lists the runs and comments before the other creates: the race is real
      r.api.slowDown("GET", /\/commits\/[0-9a-f]{40}\/check-runs\?/, SLOW_MS);
      r.api.slowDown("GET", /\/issues\/7\/comments\?/, SLOW_MS);
      const at = new Date();
      r.api.addReview(7, "dave", "APPROVED", r.headSha, at);
      const review = reviewPayload({
        pull: r.pull,
        reviewer: "dave",
        state: "approved",
        commitId: r.headSha,
        at,
      });
      expect(
        await Promise.all([
          r.replicas[0].deliver("pull_request", r.pull, "d1"),
          r.replicas[1].deliver("pull_request_review", review, "d2"),
        ]),
      ).toEqual([200, 200]);

      expect(r.runs()).toHaveLength(1);
      expect(r.runs()[0]!.conclusion).toBe("success"); // dave approved this exact head
      expect(r.stickies()).toHaveLength(1);
      expect(r.stickies()[0]!.body).toContain("**Approvals:** 1 of 1 (@dave)");
      expect(r.api.refs.has("kaws-bot/locks/pr-7")).toBe(false); // released
      const locksTaken = r.lockWrites().filter((c) => c.method === "POST").length;
      expect(locksTaken).toBeGreaterThanOrEqual(2); // both wanted to create; one waited its turn

      // both again at once, nothing left to create: no lock, nothing written twice
      expect(
        await Promise.all([
          r.replicas[0].deliver("pull_request", { ...r.pull, action: "reopened" }, "d3"),
          r.replicas[1].deliver("pull_request_review", { ...review, action: "edited" }, "d4"),
        ]),
      ).toEqual([200, 200]);
      expect(r.lockWrites().filter((c) => c.method === "POST")).toHaveLength(locksTaken);
      expect(r.runs()).toHaveLength(1);
      expect(r.stickies()).toHaveLength(1);
    } finally {
      await r.stop();
    }
  });

  it("are not held up by a lock ref a writer made: it is not the app's, so it is deleted at once", async () => {
    const r = await twoReplicas();
    try {
      r.api.refs.set("kaws-bot/locks/pr-7", r.baseSha); // `git push origin main:refs/kaws-bot/locks/pr-7`
      const started = performance.now();
      expect(await r.replicas[0].deliver("pull_request", r.pull, "d1")).toBe(200);
      expect(performance.now() - started).toBeLessThan(5_000); // the stale limit is 3 minutes
      expect(r.runs()).toHaveLength(1);
      expect(r.stickies()).toHaveLength(1);
      expect(r.api.refs.has("kaws-bot/locks/pr-7")).toBe(false);
    } finally {
      await r.stop();
    }
  });

  it("leave one check run and one sticky comment when both get the same delivery", async () => {
    const r = await twoReplicas();
    try {
      r.api.slowDown("GET", /\/commits\/[0-9a-f]{40}\/check-runs\?/, SLOW_MS);
      r.api.slowDown("GET", /\/issues\/7\/comments\?/, SLOW_MS);
      expect(
        await Promise.all(r.replicas.map((replica) => replica.deliver("pull_request", r.pull, "d1"))),
      ).toEqual([200, 200]);
      expect(r.runs()).toHaveLength(1);
      expect(r.runs()[0]!.conclusion).toBe("action_required"); // valid, nobody approved yet
      expect(r.stickies()).toHaveLength(1);
      expect(r.stickies()[0]!.body).toContain("**Approvals:** 0 of 1");
    } finally {
      await r.stop();
    }
  });

  it("remove a sticky comment a replica without the lock created beside theirs, and no one else's", async () => {
    const r = await twoReplicas();
    try {
      // an older version of the bot, which takes no lock, creates its sticky comment just before
      // this replica creates its own; someone else quotes the marker
      const quoted = r.api.addComment(7, "erin", `${STICKY}\nnot the bot's`, new Date());
      let older: { id: number } | undefined;
      r.api.meanwhile("POST", /\/issues\/7\/comments$/, () => {
        older = r.api.addComment(7, "kaws-bot[bot]", `${STICKY}\nthe older version's text`, new Date());
        r.api.comments.at(-1)!.user.type = "Bot";
      });
      expect(await r.replicas[0].deliver("pull_request", r.pull, "d1")).toBe(200);

      // the oldest is kept, with this replica's text; the one it made is gone; erin's is untouched
      expect(r.stickies().map((c) => c.id)).toEqual([older!.id]);
      expect(r.stickies()[0]!.body).toContain("**Approvals:** 0 of 1");
      expect(r.api.comments).toContainEqual(quoted);
      expect(
        r.api.calls.filter((c) => c.method === "DELETE" && c.path.includes("/issues/comments/")),
      ).toHaveLength(1);
    } finally {
      await r.stop();
    }
  });
});

describe("two replicas provisioning one cluster", () => {
  it("dispatch once when two maintainers ask each replica at the same moment", async () => {
    const r = await twoReplicas();
    try {
      // each replica reads the commit's statuses before the other writes "pending"
      r.api.slowDown("GET", /\/commits\/[0-9a-f]{40}\/statuses\?/, SLOW_MS);
      const ask = (replica: 0 | 1, id: number, login: string) => {
        const body = "/kaws provision prod";
        r.api.addComment(44, login, body, new Date());
        const payload = commentPayload({ pull: r.pull, id, login, body, at: new Date() });
        const issue: Record<string, unknown> = { ...payload.issue, number: 44 };
        delete issue.pull_request;
        return r.replicas[replica].deliver("issue_comment", { ...payload, issue }, `c${id}`);
      };
      expect(await Promise.all([ask(0, 200, "dave"), ask(1, 201, "carol")])).toEqual([200, 200]);

      expect(r.api.dispatches).toEqual([
        { workflow: "provision.yml", ref: "main", inputs: { cluster: "prod", ref: r.baseSha } },
      ]);
      expect(r.api.statuses).toEqual([
        expect.objectContaining({ sha: r.baseSha, context: "kaws/provision/prod", state: "pending" }),
      ]);
      const replies = r.api.comments.filter((c) => c.user.type === "Bot").map((c) => c.body);
      expect(replies).toEqual(
        expect.arrayContaining([
          expect.stringContaining("dispatched `provision.yml` for **prod**"),
          expect.stringContaining("was already dispatched (its run is pending); nothing done twice"),
        ]),
      );
      expect(r.api.refs.has(`kaws-bot/locks/provision-prod-${r.baseSha}`)).toBe(false);
    } finally {
      await r.stop();
    }
  });
});
