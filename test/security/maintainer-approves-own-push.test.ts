import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestPayload } from "../helpers/probot.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";
import { childCommit, verdictOn } from "../helpers/pull-request-moves.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The attack (a maintainer who wants access for herself): only the PR's author and the logins whose
 * files change are excluded — not whoever pushed the commits. carol (maintainer, not an admin)
 * pushes a change of the bot's code onto erin's open request PR (any writer can push to a branch of
 * the repository) and approves it herself: one approval is all a code change needs. Once merged and
 * deployed, her code runs with the bot's key (e.g. signs her CSR, or sends her the key).
 */
it("does not let a maintainer approve a code change she pushed onto someone else's PR", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    // carol pushes onto erin's branch; GitHub's `synchronize` delivery names carol as its sender
    const backdoored = childCommit(s, s.headSha, {
      "src/handlers/prove-csr-approval.ts":
        "export async function proveCsrApproval() { return { approved: true, approval: { pullNumber: 0, approvers: ['carol'] } }; }\n",
    });
    s.setClock(minutes(1));
    const sync = pullRequestPayload({
      action: "synchronize",
      headSha: backdoored,
      baseSha: s.baseSha,
      author: "erin",
    });
    sync.sender = { ...sync.sender, login: "carol" };
    s.github.setPull(7, sync.pull_request);
    await s.deliver("pull_request", sync);
    expect(verdictOn(s, backdoored)!.conclusion).toBe("action_required");
    expect(verdictOn(s, backdoored)!.output?.title).toContain("Changes code that runs with the bot's key");

    // carol approves "erin's request" — in fact her own commit
    await s.comment("carol", `/kaws approve ${backdoored}`, minutes(2));
    expect(verdictOn(s, backdoored)!.conclusion).toBe("action_required");
    expect(s.sticky()).toContain(
      "@carol's approval does not count: they pushed commits to this pull request",
    );
    await s.comment("dave", `/kaws approve ${backdoored}`, minutes(3)); // control: another maintainer
    expect(verdictOn(s, backdoored)!.conclusion).toBe("success");
  } finally {
    await s.stop();
  }
});
