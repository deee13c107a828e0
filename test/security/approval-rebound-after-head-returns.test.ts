import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { makeCsr } from "../helpers/openssl.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";
import { childCommit, filesOf, mergeHead, plainPushTo, verdictOn } from "../helpers/pull-request-moves.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The attack (writer or fork author): the bot binds a bare `/kaws approve` to "the first own check run on
 * the head, or the last force-push after it". A check run on a commit survives the head moving away
 * and back: show E once, force-push back to Z, let a maintainer bare-approve Z, then fast-forward to E.
 */
it("does not bind a bare /kaws approve on head Z to E, which the bot reported once before a force-push back to Z", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const z = s.headSha; // the benign head dave will look at
    // the evil child E: erin swaps her CSR for another key (nobody approved this one)
    const { csr: evilCsr } = makeCsr("/CN=erin/O=developers");
    const evil = {
      "clusters/prod/admins/erin.csr": evilCsr,
      "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(evilCsr),
    };
    const e = childCommit(s, z, evil);
    await plainPushTo(s, e, minutes(1)); // the bot reports E: its check run on E starts at 0:01
    expect(verdictOn(s, e)!.conclusion).toBe("action_required");
    await s.forcePushTo(z, minutes(2)); // erin force-pushes back to Z (a head_ref_force_pushed event at 0:02)
    expect(verdictOn(s, z)!.conclusion).toBe("action_required");

    await s.comment("dave", "/kaws approve", minutes(3)); // dave has reviewed Z, the reported head
    expect(verdictOn(s, z)!.conclusion).toBe("success"); // control: it counts for Z

    await plainPushTo(s, e, minutes(4)); // a fast-forward to E: no force-push event
    // dave never saw E: his approval does not follow it
    expect(verdictOn(s, e)!.conclusion).toBe("action_required");

    // and at merge the reconciler issues a certificate for the CSR dave never saw
    await mergeHead(s, e, minutes(5));
    expect(s.mainFiles().get("clusters/prod/admins/erin.pem")).toBeUndefined();
    expect(
      Buffer.from(filesOf(s, s.github.refs.get("heads/main")!)["clusters/prod/admins/erin.csr"]!),
    ).toEqual(evilCsr);
  } finally {
    await s.stop();
  }
});
