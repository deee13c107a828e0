import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * The attack: DESIGN 4.1 says a merged PR's approvals are "recounted at merge". countApprovals has
 * no upper bound: an approval written on the PR AFTER it was merged (unapproved, no branch
 * protection) is counted by the next reconcile, and the CSR is signed. What GitHub merged was
 * never approved.
 */

it("does not count an approval written on a PR after it was merged", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.merge(minutes(2)); // merged with 0 approvals
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
    const head = s.headSha;
    // later, on the closed PR: an explicit approval of its final head
    await s.comment("dave", `/kaws approve ${head}`, minutes(60));
    // any reconcile (a maintainer's /kaws reencrypt, or any push touching clusters/)
    await s.comment("carol", "/kaws reencrypt", minutes(61));
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
  } finally {
    await s.stop();
  }
});
