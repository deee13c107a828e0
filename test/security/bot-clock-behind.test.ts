import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("binds /kaws approve by GitHub's own times, never the bot's clock: a bot 60 s behind moves no approval", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botClockSkewMs: -60_000 });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.push(minutes(10)); // GitHub's time 10:00 — the bot thinks it is 9:00 when it reports the new head
    // dave's comment, stamped 9:30 by GitHub, was written before the bot reported the new head
    await s.comment("dave", "/kaws approve", new Date(minutes(9).getTime() + 30_000));
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.replies()).toEqual([
      expect.stringContaining(`write \`/kaws approve ${s.headSha}\` or approve with a review`),
    ]);

    await s.comment("dave", `/kaws approve ${s.headSha}`, minutes(11)); // control: explicit binding
    expect(s.verdict()!.conclusion).toBe("success");
  } finally {
    await s.stop();
  }
});

it("does not bind a bare /kaws approve across a force-push back to an earlier head", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const first = s.headSha;
    await s.push(minutes(5));
    await s.comment("dave", "/kaws approve", minutes(6)); // dave saw the second head
    expect(s.verdict()!.conclusion).toBe("success");
    await s.forcePushTo(first, minutes(7)); // erin puts the first head back
    expect(s.verdict()!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});
