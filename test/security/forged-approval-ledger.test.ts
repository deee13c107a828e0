import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("does not trust a reported-heads ledger a writer forged in the bot's own (editable) comment", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const first = s.headSha;
    await s.comment("dave", "/kaws approve", minutes(2)); // dave approves the first head only
    expect(s.verdict()!.conclusion).toBe("success");
    const second = await s.push(minutes(5));
    expect(s.verdict()!.conclusion).toBe("action_required");

    // erin (any writer can edit any comment) makes the bot's comment say the second head was
    // reported at minute 0 — before dave's approval — the way the bot once kept its ledger
    const sticky = s.github.comments.find((c) => c.body.startsWith("<!-- kaws-bot:sticky -->"))!;
    const forged =
      `${sticky.body}\n<!-- kaws-bot:reported ${second} ${minutes(0).toISOString()} -->\n`.replaceAll(
        first,
        second,
      );
    await s.editComment(sticky, forged, minutes(6));
    await s.comment("erin", "/kaws approve", minutes(7)); // any command makes the bot look again

    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.sticky()).toContain("**Approvals:** 0 of 1");
    await s.merge(minutes(8));
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
    const refused = s.github.issues.find((i) => i.title.includes("will not handle"));
    expect(refused?.body).toContain("clusters/prod/admins/erin.csr");
  } finally {
    await s.stop();
  }
});

it("still binds an approval written after the bot reported the head (control)", async () => {
  const s = await pullRequestScenario(ids(), repo());
  try {
    await s.open(s.minutes(0));
    await s.push(s.minutes(5));
    await s.comment("dave", "/kaws approve", s.minutes(6));
    expect(s.verdict()!.conclusion).toBe("success");
  } finally {
    await s.stop();
  }
});
