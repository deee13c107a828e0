import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("upgrades without a flag day: the old version's sticky comment and check run are read for nothing, and replaced", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    // what the previous version left on PR #7: its sticky comment with a hidden ledger of reported
    // heads (which bound dave's bare approval), and a check run whose external id has no PR number
    const old = s.github.addComment(
      7,
      "kaws-bot[bot]",
      `<!-- kaws-bot:sticky -->\n### kaws: access request by @erin\n\n<!-- kaws-bot:reported ${s.headSha} ${minutes(0).toISOString()} -->\n`,
      minutes(0),
    );
    old.user.type = "Bot";
    s.github.addComment(7, "dave", "/kaws approve", minutes(1));
    s.github.addForeignCheckRun({
      head_sha: s.headSha,
      name: "kaws",
      external_id: "kaws-bot:0123456789abcdef:0123456789abcdef",
      conclusion: "success",
      output: { title: "Approved by @dave", summary: "old" },
      app: { id: 123, slug: "kaws-bot" },
      started_at: minutes(0).toISOString(),
    });

    await s.open(minutes(2)); // the new version's first delivery
    // the old ledger binds nothing: dave's bare approval predates the new version's first report
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.verdict()!.external_id).toMatch(/^kaws-bot:7:/);
    // one sticky comment, the old one edited in place, its ledger gone
    const stickies = s.github.comments.filter((c) => c.body.startsWith("<!-- kaws-bot:sticky -->"));
    expect(stickies).toHaveLength(1);
    expect(stickies[0]!.id).toBe(old.id);
    expect(stickies[0]!.body).not.toContain("kaws-bot:reported");

    await s.comment("dave", `/kaws approve ${s.headSha}`, minutes(3)); // approving again works
    expect(s.verdict()!.conclusion).toBe("success");
  } finally {
    await s.stop();
  }
});
