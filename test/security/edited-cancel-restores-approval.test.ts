import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("keeps an approval withdrawn when a writer edits the maintainer's /kaws approve cancel", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.comment("dave", "/kaws approve", minutes(1));
    expect(s.verdict()!.conclusion).toBe("success");
    const cancel = await s.comment("dave", "/kaws approve cancel", minutes(2));
    expect(s.verdict()!.conclusion).toBe("action_required");
    await s.editComment(cancel, "thanks!", minutes(3)); // erin, a writer, rewrites dave's cancel
    expect(s.verdict()!.conclusion).toBe("action_required");
    await s.comment("erin", "/kaws approve", minutes(4)); // and makes the bot look again
    expect(s.verdict()!.conclusion).toBe("action_required");

    await s.comment("dave", "/kaws approve", minutes(5)); // control: a new approval counts
    expect(s.verdict()!.conclusion).toBe("success");
  } finally {
    await s.stop();
  }
});

it("keeps an approval withdrawn when a writer deletes the maintainer's /kaws approve cancel", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.comment("dave", "/kaws approve", minutes(1));
    const cancel = await s.comment("dave", "/kaws approve cancel", minutes(2));
    expect(s.verdict()!.conclusion).toBe("action_required");
    await s.deleteComment(cancel, minutes(3));
    expect(s.verdict()!.conclusion).toBe("action_required");
    await s.comment("erin", "/kaws approve", minutes(4));
    expect(s.verdict()!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});
