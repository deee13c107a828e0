import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { makeCsr } from "../helpers/openssl.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";
import { childCommit, mergeHead, plainPushTo, verdictOn } from "../helpers/pull-request-moves.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The attack (fork author): check runs belong to a commit, not to a pull request. Open a second PR #8
 * whose head is E (a child of PR #7's head Z) so the bot reports E early; then, after a maintainer's
 * bare `/kaws approve` on #7 (where the head is Z), fast-forward #7 to E. No force-push ever happens
 * on #7, and the bot's "first own run on E" predates the comment.
 */
it("does not let a check run written for PR #8 bind a bare /kaws approve on PR #7 to a head #7 never showed", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const z = s.headSha;
    const { csr: evilCsr } = makeCsr("/CN=erin/O=developers");
    const e = childCommit(s, z, {
      "clusters/prod/admins/erin.csr": evilCsr,
      "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(evilCsr),
    });
    // erin opens PR #8 from another branch of her fork, head E: the bot reports E at 0:01
    await plainPushTo(s, e, minutes(1), { number: 8, action: "opened" });
    expect(verdictOn(s, e)!.conclusion).toBe("action_required");
    // PR #7 is still at Z (the scenario's PR): make GET /pulls/7 answer Z again
    await plainPushTo(s, z, minutes(1), { number: 7, action: "synchronize" });

    await s.comment("dave", "/kaws approve", minutes(2)); // dave approves Z on #7
    expect(verdictOn(s, z)!.conclusion).toBe("success");

    await plainPushTo(s, e, minutes(3)); // fast-forward #7 to E
    expect(verdictOn(s, e)!.conclusion).toBe("action_required"); // dave never saw E on #7

    await mergeHead(s, e, minutes(4));
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
  } finally {
    await s.stop();
  }
});
