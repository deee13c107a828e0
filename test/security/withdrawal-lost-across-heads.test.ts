import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { reviewPayload } from "../helpers/probot.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";
import { verdictOn } from "../helpers/pull-request-moves.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The attack (writer): the bot records a cancel only in its check run on the head of the moment. A
 * maintainer approves Z with a review, the writer pushes B, the maintainer cancels (recorded on B's
 * run), the writer deletes the cancel and force-pushes back to Z: Z's runs hold no record, the
 * comment is gone, and the review on Z counts again.
 */
it("keeps a /kaws approve cancel when the head goes back to an earlier commit", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const z = s.headSha;
    await s.review("dave", "APPROVED", minutes(1));
    expect(verdictOn(s, z)!.conclusion).toBe("success");
    await s.push(minutes(2)); // head B
    const cancel = await s.comment("dave", "/kaws approve cancel", minutes(3)); // dave withdraws everything
    expect(s.verdict()!.output?.summary).toContain("<!-- kaws-bot:record cancel=dave@"); // recorded on B's run
    await s.deleteComment(cancel, minutes(4)); // erin (write access) deletes dave's cancel
    await s.forcePushTo(z, minutes(5)); // and puts Z back
    // dave withdrew his approval of Z: it stays withdrawn
    expect(verdictOn(s, z)!.conclusion).toBe("action_required");

    await s.merge(minutes(6));
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
  } finally {
    await s.stop();
  }
});

/**
 * The attack (writer): a "changes requested" review withdraws a maintainer's earlier approvals, but
 * once a writer dismisses it, it only withdraws its own commit. Approve Z, push B, dave requests
 * changes on B, the writer dismisses that review and force-pushes back to Z.
 */
it("keeps approvals withdrawn when a maintainer's 'changes requested' review is dismissed", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const z = s.headSha;
    await s.review("dave", "APPROVED", minutes(1));
    expect(verdictOn(s, z)!.conclusion).toBe("success");
    await s.push(minutes(2)); // head B
    const changes = await s.review("dave", "CHANGES_REQUESTED", minutes(3)); // "no: do not merge this"
    // erin, with write access, dismisses dave's review (GitHub lets writers dismiss reviews)
    s.setClock(minutes(4));
    changes.state = "DISMISSED";
    await s.deliver(
      "pull_request_review",
      reviewPayload({
        action: "dismissed",
        pull: (await import("../helpers/probot.js")).pullRequestPayload({
          action: "synchronize",
          headSha: s.headSha,
          baseSha: s.baseSha,
          author: "erin",
        }),
        reviewer: "dave",
        state: "dismissed",
        commitId: changes.commit_id,
        at: minutes(3),
        id: changes.id,
      }),
    );
    await s.forcePushTo(z, minutes(5));
    // dave's withdrawal stands: his approval of Z does not count again
    expect(verdictOn(s, z)!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});
