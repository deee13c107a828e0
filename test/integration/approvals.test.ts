import nock from "nock";
import { useRepo } from "../helpers/use-repo.js";
import { afterEach, describe, expect, it } from "vitest";
import { CONFIG_YML, type Files } from "../helpers/build-repo.js";
import { makeCsr } from "../helpers/openssl.js";
import { commentPayload, pullRequestPayload, reviewPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";

const { ids: idsOf, repo: builtRepo } = useRepo();
afterEach(() => nock.cleanAll());

/** Minutes after the test repository was made (its certificates start then). */
const minutes = (n: number) => new Date(builtRepo().now.getTime() + n * 60_000);

/** erin (not a maintainer) asks for access; dave and carol are maintainers (CONFIG_YML). */
async function scenario(
  options: { groups?: string; config?: string; teams?: Record<string, string[]> } = {},
) {
  const { csr } = makeCsr(`/CN=erin${options.groups ?? "/O=developers"}`);
  const files: Files = {
    "pubkeys/erin.asc": idsOf().mallory.exportPublic(),
    "clusters/prod/admins/erin.csr": csr,
    "clusters/prod/admins/erin.csr.asc": idsOf().mallory.detachSign(csr),
  };
  const base = options.config
    ? { ...builtRepo().files, ".github/kaws.yml": options.config }
    : builtRepo().files;
  let clock = minutes(0);
  // GitHub's clock and the bot's are the same here; test/security/bot-clock-behind.test.ts splits them
  const fixture = pullRequestFixture(
    base,
    { files },
    { erin: [registeredKey(idsOf().mallory)] },
    options.teams,
    { now: () => clock },
  );
  const server = await startWebhookServer({ now: () => clock });
  const pull = pullRequestPayload({ headSha: fixture.headSha, baseSha: fixture.baseSha, author: "erin" });
  fixture.github.setPull(7, pull.pull_request);
  let delivery = 0;
  const deliver = async (event: string, payload: unknown) =>
    expect(await server.deliver(event, payload, `d${++delivery}`)).toBe(200);
  return {
    ...fixture,
    pull,
    server,
    setClock: (date: Date) => (clock = date),
    deliver,
    /** A maintainer's (or anyone's) approving review of the head, as GitHub lists and delivers it. */
    approveByReview: async (reviewer: string, at: Date) => {
      fixture.github.addReview(7, reviewer, "APPROVED", fixture.headSha, at);
      await deliver(
        "pull_request_review",
        reviewPayload({ pull, reviewer, state: "approved", commitId: fixture.headSha, at }),
      );
    },
    /** erin pushes a commit on top of the head at `at`; GitHub now lists it as the pull request's head. */
    push: (at: Date) => {
      const headFiles = [...fixture.repo.required(fixture.headSha).files].map(([path, file]) => [
        path,
        fixture.repo.blobs.get(file.oid)!,
      ]);
      const pushed = fixture.repo.commit({ ...Object.fromEntries(headFiles), "README.md": "pushed" });
      clock = at;
      const synchronize = pullRequestPayload({
        action: "synchronize",
        headSha: pushed,
        baseSha: fixture.baseSha,
        author: "erin",
      });
      fixture.github.setPull(7, synchronize.pull_request);
      return { pushed, synchronize };
    },
    latestRun: () => fixture.github.checkRuns.at(-1)!,
    sticky: () => fixture.github.comments.find((c) => c.body.startsWith("<!-- kaws-bot:sticky -->"))!.body,
    replies: () =>
      fixture.github.comments.filter((c) => c.body.startsWith("<!-- kaws-bot:reply-to")).map((c) => c.body),
  };
}

describe("approvals bound to the exact commit", () => {
  it("turns the check green when a maintainer approves the head by review, and says so", async () => {
    const s = await scenario();
    try {
      await s.deliver("pull_request", s.pull);
      expect(s.latestRun().conclusion).toBe("action_required");
      await s.approveByReview("dave", minutes(5));
      const run = s.latestRun();
      expect(run.conclusion).toBe("success");
      expect((run.output as { title: string }).title).toBe(
        "Approved by @dave: the certificate will be issued when this merges",
      );
      expect(s.sticky()).toContain("**Approvals:** 1 of 1 (@dave) from maintainers");
      expect(s.sticky()).toContain("**Next step:** merge.");
      expect(s.github.comments.filter((c) => c.body.startsWith("<!-- kaws-bot:sticky"))).toHaveLength(1);
    } finally {
      await s.server.stop();
    }
  });

  it("counts an approval of an older commit for nothing after a push", async () => {
    const s = await scenario();
    try {
      await s.deliver("pull_request", s.pull);
      await s.approveByReview("dave", minutes(5));
      const { pushed, synchronize } = s.push(minutes(10));
      await s.deliver("pull_request", synchronize);
      expect(s.latestRun()).toMatchObject({ head_sha: pushed, conclusion: "action_required" });
      expect(s.sticky()).toContain("**Approvals:** 0 of 1");
      expect(s.sticky()).toContain("@dave's approval does not count: approved another commit");
    } finally {
      await s.server.stop();
    }
  });

  it("binds /kaws approve to the head reported before the comment, and replies when it counts for nothing", async () => {
    const s = await scenario();
    try {
      await s.deliver("pull_request", s.pull); // head A reported at minute 0
      const { synchronize } = s.push(minutes(10));
      // dave wrote his comment at minute 8, before the bot reported the new head at minute 10
      s.github.addComment(7, "dave", "/kaws approve", minutes(8));
      await s.deliver("pull_request", synchronize);
      await s.deliver(
        "issue_comment",
        commentPayload({
          pull: synchronize,
          id: 100 + s.github.comments.length - 1,
          login: "dave",
          body: "/kaws approve",
          at: minutes(8),
        }),
      );
      expect(s.latestRun().conclusion).toBe("action_required");
      expect(s.replies()).toEqual([
        expect.stringContaining(
          "@dave your approval counts for nothing: it cannot be bound for sure to the head",
        ),
      ]);

      const late = s.github.addComment(7, "dave", "/kaws approve", minutes(12));
      await s.deliver(
        "issue_comment",
        commentPayload({
          pull: synchronize,
          id: late.id,
          login: "dave",
          body: "/kaws approve",
          at: minutes(12),
        }),
      );
      expect(s.latestRun().conclusion).toBe("success");
      expect(s.replies()).toHaveLength(1);
    } finally {
      await s.server.stop();
    }
  });

  it("refuses self-approval and non-maintainers, ignores edited comments, and withdraws deleted ones", async () => {
    const s = await scenario({
      config: CONFIG_YML.replace("maintainers: [carol, dave]", "maintainers: [carol, dave, erin]"),
    });
    try {
      await s.deliver("pull_request", s.pull);
      s.setClock(minutes(2));
      const own = s.github.addComment(7, "erin", "/kaws approve", minutes(3));
      await s.deliver(
        "issue_comment",
        commentPayload({ pull: s.pull, id: own.id, login: "erin", body: "/kaws approve", at: minutes(3) }),
      );
      const stranger = s.github.addComment(7, "mallory", "/kaws approve", minutes(4));
      await s.deliver(
        "issue_comment",
        commentPayload({
          pull: s.pull,
          id: stranger.id,
          login: "mallory",
          body: "/kaws approve",
          at: minutes(4),
        }),
      );
      await s.deliver(
        "issue_comment",
        commentPayload({
          pull: s.pull,
          id: stranger.id,
          login: "mallory",
          body: "/kaws approve",
          at: minutes(4),
        }),
      );
      expect(s.replies()).toEqual([
        expect.stringContaining(
          "@erin your approval counts for nothing: the author of a change cannot approve it",
        ),
        expect.stringContaining("@mallory your approval counts for nothing: only maintainers"),
      ]);
      const edited = s.github.addComment(7, "dave", "/kaws approve", minutes(5), minutes(6));
      await s.deliver(
        "issue_comment",
        commentPayload({
          action: "edited",
          pull: s.pull,
          id: edited.id,
          login: "dave",
          body: "/kaws approve",
          at: minutes(5),
          editedAt: minutes(6),
        }),
      );
      expect(s.latestRun().conclusion).toBe("action_required");
      expect(s.sticky()).toContain("@dave's approval does not count: an edited comment does not count");

      const fresh = s.github.addComment(7, "dave", "/kaws approve", minutes(7));
      await s.deliver(
        "issue_comment",
        commentPayload({ pull: s.pull, id: fresh.id, login: "dave", body: "/kaws approve", at: minutes(7) }),
      );
      expect(s.latestRun().conclusion).toBe("success");
      s.github.comments.splice(s.github.comments.indexOf(fresh), 1);
      await s.deliver(
        "issue_comment",
        commentPayload({
          action: "deleted",
          pull: s.pull,
          id: fresh.id,
          login: "dave",
          body: "/kaws approve",
          at: minutes(7),
        }),
      );
      expect(s.latestRun().conclusion).toBe("action_required");
    } finally {
      await s.server.stop();
    }
  });

  it("needs two maintainers for system:masters, and counts team members as maintainers", async () => {
    const config = CONFIG_YML.replace(
      "maintainers: [carol, dave]",
      "maintainers: [dave]\nmaintainer_teams: [platform]",
    );
    const s = await scenario({
      groups: "/O=system:masters",
      config,
      teams: { platform: ["tom"], other: ["tina"] },
    });
    s.github.reviews.length = 0;
    try {
      await s.deliver("pull_request", s.pull);
      await s.approveByReview("dave", minutes(5));
      expect((s.latestRun().output as { title: string }).title).toBe(
        "Valid: awaiting 1 more maintainer approval (1 of 2)",
      );
      expect(s.sticky()).toContain("system:masters gives unrestricted control of the cluster");
      await s.approveByReview("tina", minutes(6));
      expect(s.latestRun().conclusion).toBe("action_required"); // tina is in no maintainer team
      await s.approveByReview("tom", minutes(7));
      expect(s.latestRun().conclusion).toBe("success");
      expect(s.sticky()).toContain("**Approvals:** 2 of 2 (@dave, @tom)");
    } finally {
      await s.server.stop();
    }
  });
});

describe("other commands", () => {
  it("answers /kaws help to a maintainer and politely refuses anyone else, once each", async () => {
    const s = await scenario();
    try {
      const help = s.github.addComment(7, "dave", "/kaws help", minutes(1));
      await s.deliver(
        "issue_comment",
        commentPayload({ pull: s.pull, id: help.id, login: "dave", body: "/kaws help", at: minutes(1) }),
      );
      const refused = s.github.addComment(7, "mallory", "/kaws rotate prod", minutes(2));
      await s.deliver(
        "issue_comment",
        commentPayload({
          pull: s.pull,
          id: refused.id,
          login: "mallory",
          body: "/kaws rotate prod",
          at: minutes(2),
        }),
      );
      await s.deliver(
        "issue_comment",
        commentPayload({
          pull: s.pull,
          id: refused.id,
          login: "mallory",
          body: "/kaws rotate prod",
          at: minutes(2),
        }),
      );
      expect(s.replies()).toEqual([
        expect.stringContaining("`/kaws approve <sha>` — approve this pull request's commit"),
        expect.stringContaining("@mallory thanks — `/kaws` commands are for the maintainers"),
      ]);
    } finally {
      await s.server.stop();
    }
  });

  it("answers a stranger's stream of `/kaws` comments once an hour, and judges the pull request again for none", async () => {
    const s = await scenario();
    try {
      await s.deliver("pull_request", s.pull);
      const judged = () => s.github.calls.filter((c) => c.path.includes("/compare/")).length;
      const before = judged();
      const spam = async (body: string, at: Date) => {
        s.setClock(at);
        const comment = s.github.addComment(7, "mallory", body, at);
        await s.deliver(
          "issue_comment",
          commentPayload({ pull: s.pull, id: comment.id, login: "mallory", body, at }),
        );
      };
      for (let i = 0; i < 6; i++) await spam(i % 2 ? "/kaws approve" : "/kaws rotate prod", minutes(1 + i));
      expect(judged()).toBe(before); // no evaluation for anyone's command that changes nothing
      expect(s.replies()).toEqual([
        expect.stringContaining("@mallory thanks — `/kaws` commands are for the maintainers"),
      ]);
      await spam("/kaws approve", minutes(62)); // an hour after the first answer: answered again
      expect(s.replies()).toHaveLength(2);
      expect(s.replies()[1]).toContain(
        "@mallory your approval counts for nothing: only maintainers (from the default branch's .github/kaws.yml) can approve.",
      );
      expect(
        s.server.logs.filter((l) => l.msg === "refused again within the hour: not answered"),
      ).toHaveLength(5);
    } finally {
      await s.server.stop();
    }
  });
});
