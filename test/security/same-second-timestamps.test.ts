import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";
import { verdictOn } from "../helpers/pull-request-moves.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The attack (writer or fork author, a race): GitHub's timestamps have one-second resolution. A bare
 * `/kaws approve` whose created_at equals the started_at of the bot's run on a new head cannot be
 * said for sure to come after that report (it may have been typed while the old head was shown), so
 * by DESIGN 4.1 it must count for nothing.
 */
it("does not bind a bare /kaws approve stamped in the same second as the report of a new head", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const z = s.headSha;
    const e = await s.push(minutes(5)); // the bot's run on E: started_at 0:05:00
    // dave's comment, written while he looked at Z, is stamped 0:05:00 too (same second, GitHub's resolution)
    await s.comment("dave", "/kaws approve", minutes(5));
    expect(z).not.toBe(e);
    expect(verdictOn(s, e)!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});

/**
 * The attack (writer, or an app/webhook-driven script with write access, a race): "edited" is read as
 * updated_at > created_at, both with one-second resolution. A writer who rewrites a maintainer's
 * ordinary comment into `/kaws approve <sha>` within the same second makes it look never edited.
 */
it("does not count a maintainer's comment rewritten into /kaws approve in the same second, once the edit is delivered", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const remark = await s.comment("dave", "Please wait for carol before merging this.", minutes(1));
    expect(s.verdict()!.conclusion).toBe("action_required");
    // erin's script sees the `created` webhook and edits the body at once: updated_at == created_at
    await s.editComment(remark, `/kaws approve ${s.headSha}`, minutes(1));
    // the signed `edited` delivery names the comment: the bot records it, and it never counts
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.verdict()!.output?.summary).toContain(`edited=${remark.id}`);
    await s.comment("carol", "/kaws approve cancel", minutes(2)); // any later evaluation keeps it void
    expect(s.verdict()!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});

it("counts the same edit one second later for nothing (control)", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const remark = await s.comment("dave", "Please wait for carol before merging this.", minutes(1));
    await s.editComment(remark, `/kaws approve ${s.headSha}`, new Date(minutes(1).getTime() + 1000));
    expect(s.verdict()!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});
