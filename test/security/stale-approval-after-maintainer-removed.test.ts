import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { CONFIG_YML } from "../helpers/build-repo.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("does not keep a pull request green once the default branch removes the maintainer who approved it", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.review("dave", "APPROVED", minutes(1));
    expect(s.verdict()!.conclusion).toBe("success");
    // dave leaves the team: main's config no longer lists him. Nothing happens on PR #7 itself,
    // yet its green check must not outlive the approval that made it green.
    await s.pushToMain(minutes(2), {
      ".github/kaws.yml": CONFIG_YML.replace("maintainers: [carol, dave]", "maintainers: [carol]"),
    });
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.sticky()).toContain("@dave's approval does not count: only maintainers");
  } finally {
    await s.stop();
  }
});
