import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("does not count a review's body as an approval: only an APPROVED review approves", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    // dave asks for changes, yet the body of his review (which can be edited later) says approve
    await s.review("dave", "CHANGES_REQUESTED", minutes(1), "/kaws approve");
    expect(s.verdict()!.conclusion).toBe("action_required");
    await s.review("carol", "COMMENTED", minutes(2), "looks fine\n/kaws approve");
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.sticky()).toContain("**Approvals:** 0 of 1");

    await s.review("carol", "APPROVED", minutes(3)); // control: a real approval counts
    expect(s.verdict()!.conclusion).toBe("success");
  } finally {
    await s.stop();
  }
});
