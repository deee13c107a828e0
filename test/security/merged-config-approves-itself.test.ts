import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { CONFIG_YML } from "../helpers/build-repo.js";
import { erinRequest, pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("recounts a merged pull request's approvals with the base's config, never the config it brings", async () => {
  // erin asks for system:masters and, in the same PR, makes mallory a maintainer and drops the
  // stricter count for system:masters; mallory approves; the PR is merged without branch protection
  const config = CONFIG_YML.replace(
    "maintainers: [carol, dave]",
    "maintainers: [carol, dave, mallory]",
  ).replace('group_approvals: {"system:masters": 2}\n', "");
  const s = await pullRequestScenario(ids(), repo(), {
    botKey: true,
    files: { ...erinRequest(ids(), "/O=system:masters"), ".github/kaws.yml": config },
  });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.review("mallory", "APPROVED", minutes(1));
    expect(s.verdict()!.conclusion).toBe("action_required");
    await s.merge(minutes(2));

    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
    const refused = s.github.issues.find((i) => i.title.includes("will not handle"));
    expect(refused?.body).toContain("`clusters/prod/admins/erin.csr`: #7 had 0 of 2 maintainer approvals");
  } finally {
    await s.stop();
  }
});

it("issues the certificate when the base's maintainers approved, as many as the base asks (control)", async () => {
  const s = await pullRequestScenario(ids(), repo(), {
    botKey: true,
    files: erinRequest(ids(), "/O=system:masters"),
  });
  try {
    await s.open(s.minutes(0));
    await s.review("dave", "APPROVED", s.minutes(1));
    await s.review("carol", "APPROVED", s.minutes(2));
    expect(s.verdict()!.conclusion).toBe("success");
    await s.merge(s.minutes(3));
    expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(true);
  } finally {
    await s.stop();
  }
});
