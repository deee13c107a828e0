import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { erinRequest, pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("publishes its own verdict beside a look-alike `kaws` check run that a workflow created", async () => {
  const files = erinRequest(ids());
  // what the bot's run on this exact head looks like
  const first = await pullRequestScenario(ids(), repo(), { files });
  await first.open();
  const genuine = first.verdict()!;
  await first.stop();
  nock.cleanAll();

  const s = await pullRequestScenario(ids(), repo(), { files });
  try {
    expect(s.headSha).toBe(genuine.head_sha);
    // a workflow in the PR (GitHub Actions is an app too) writes a green `kaws` run first, with the
    // bot's very external id
    const forged = s.github.addForeignCheckRun({
      head_sha: s.headSha,
      name: "kaws",
      external_id: genuine.external_id,
      conclusion: "success",
      output: { title: "Approved", summary: "all good" },
      app: { id: 15368, slug: "github-actions" },
      started_at: s.minutes(0).toISOString(),
    });
    await s.open(s.minutes(1));
    expect(forged.conclusion).toBe("success"); // never touched
    const own = s.github.checkRuns.filter((r) => r.app.id === 123);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ head_sha: s.headSha, conclusion: "action_required" });
  } finally {
    await s.stop();
  }
});
