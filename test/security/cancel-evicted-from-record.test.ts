import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The attack: the record in the bot's check run keeps at most 200 cancels, the last 200 by login
 * (approval-record.ts mergeRecords: sort by login, slice(-200)), and records a cancel from ANY
 * commenter. dave approves and cancels; a writer deletes the cancel (now only in the record);
 * 200 accounts whose logins sort after "dave" (anyone may comment on a public repository's PR)
 * each write `/kaws approve cancel`: dave's recorded cancel is evicted and his approval is back.
 */

it("keeps a deleted cancel when 200 other logins also write /kaws approve cancel", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.comment("dave", `/kaws approve ${s.headSha}`, minutes(1));
    expect(s.verdict()!.conclusion).toBe("success");
    const cancel = await s.comment("dave", "/kaws approve cancel", minutes(2));
    expect(s.verdict()!.conclusion).toBe("action_required");
    await s.deleteComment(cancel, minutes(3));
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.verdict()!.output?.summary).toContain("cancel=dave@");

    for (let i = 0; i < 200; i++)
      s.github.addComment(7, `zz${String(i).padStart(3, "0")}`, "/kaws approve cancel", minutes(4));
    await s.comment("erin", "/kaws approve", minutes(5)); // makes the bot look again
    expect(s.verdict()!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});
