import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

const DAY = 24 * 60;

it("issues a certificate once per approved CSR: deleting it by a direct push does not bring a new one", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.review("dave", "APPROVED", minutes(1));
    await s.merge(minutes(2));
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(true); // control: issued once
    expect(s.botCommits()).toHaveLength(1);

    // 100 days later a writer deletes the (expired) certificate straight on main
    await s.pushToMain(minutes(100 * DAY), {}, ["clusters/prod/admins/erin.pem"]);
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
    expect(s.botCommits()).toHaveLength(1);
    const refused = s.github.issues.find((i) => i.title.includes("will not handle"));
    expect(refused?.body).toContain(
      "`clusters/prod/admins/erin.csr`: a certificate was already issued for this exact CSR; a renewal needs a new key and CSR (`kaws admin renew`)",
    );
  } finally {
    await s.stop();
  }
});

it("counts an approval older than approval_max_age_days at the merge for nothing", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.review("dave", "APPROVED", minutes(1));
    expect(s.verdict()!.conclusion).toBe("success");
    await s.merge(minutes(31 * DAY)); // default approval_max_age_days: 30
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
    const refused = s.github.issues.find((i) => i.title.includes("will not handle"));
    expect(refused?.body).toContain("#7 had 0 of 1 maintainer approvals that count at its merge");
  } finally {
    await s.stop();
  }
});
