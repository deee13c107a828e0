import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { makeCsr } from "../helpers/openssl.js";
import { pullRequestPayload, reviewPayload } from "../helpers/probot.js";
import { childCommit, mergeHead } from "../helpers/pull-request-moves.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The bot learns who pushed from GitHub's signed `synchronize` deliveries; a lost delivery (an
 * outage: GitHub does not redeliver by itself) or a push made before the PR was opened is never
 * seen. carol, a maintainer, pushes her commit onto erin's request while the bot misses it, then
 * approves. At merge the bot also excludes the GitHub users linked to the PR's commits.
 */
it("does not issue a certificate on the approval of a maintainer who committed to the PR, even when the bot missed her push", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    // carol swaps erin's CSR for one of her making (erin's key still signs it: carol is only a pusher
    // here, the point is who approves) — GitHub links the commit to carol
    const { csr } = makeCsr("/CN=erin/O=developers");
    const pushed = childCommit(s, s.headSha, {
      "clusters/prod/admins/erin.csr": csr,
      "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(csr),
    });
    s.github.setCommitAuthor(pushed, "carol");
    const sync = pullRequestPayload({
      action: "synchronize",
      headSha: pushed,
      baseSha: s.baseSha,
      author: "erin",
      before: s.headSha,
      sender: "carol",
    });
    s.github.setPull(7, sync.pull_request); // GitHub moved the head; the delivery is lost
    s.setClock(minutes(2));
    const review = s.github.addReview(7, "carol", "APPROVED", pushed, minutes(2));
    await s.deliver(
      "pull_request_review",
      reviewPayload({
        pull: sync,
        reviewer: "carol",
        state: "approved",
        commitId: pushed,
        at: minutes(2),
        id: review.id,
      }),
    );
    await mergeHead(s, pushed, minutes(3));
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
    const refused = s.github.issues.find((i) => i.title.includes("will not handle"));
    expect(refused?.body).toContain("#7 had 0 of 1 maintainer approvals that count at its merge");
  } finally {
    await s.stop();
  }
});
