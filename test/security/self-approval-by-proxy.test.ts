import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { makeCsr } from "../helpers/openssl.js";
import { registeredKey } from "../helpers/pull-request-fixture.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

it("does not let a maintainer approve her own access through a pull request someone else opened", async () => {
  // erin opens the PR, but it carries carol's key and carol's CSR: carol, a maintainer, would
  // approve access for herself
  const { csr } = makeCsr("/CN=carol/O=developers"); // one approval is enough for developers
  const s = await pullRequestScenario(ids(), repo(), {
    author: "erin",
    botKey: true,
    files: {
      "pubkeys/carol.asc": ids().carol.exportPublic(),
      "clusters/prod/admins/carol.csr": csr,
      "clusters/prod/admins/carol.csr.asc": ids().carol.detachSign(csr),
    },
    gpgKeys: { carol: [registeredKey(ids().carol)] },
  });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.review("carol", "APPROVED", minutes(1));
    await s.comment("carol", `/kaws approve ${s.headSha}`, minutes(2));
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.sticky()).toContain(
      "@carol's approval does not count: nobody approves access for themselves: this pull request changes their own key or certificate request",
    );
    expect(s.replies()).toEqual([
      expect.stringContaining("@carol your approval counts for nothing: nobody approves"),
    ]);

    await s.merge(minutes(3)); // no branch protection: merged anyway
    expect(s.mainFiles().has("clusters/prod/admins/carol.pem")).toBe(false);
    const refused = s.github.issues.find((i) => i.title.includes("will not handle"));
    expect(refused?.body).toContain("`clusters/prod/admins/carol.csr`: #7 had 0 of 1 maintainer approvals");
  } finally {
    await s.stop();
  }
});

it("issues carol's certificate on another maintainer's approval of the same PR (control)", async () => {
  const { csr } = makeCsr("/CN=carol/O=developers");
  const s = await pullRequestScenario(ids(), repo(), {
    author: "erin",
    botKey: true,
    files: {
      "pubkeys/carol.asc": ids().carol.exportPublic(),
      "clusters/prod/admins/carol.csr": csr,
      "clusters/prod/admins/carol.csr.asc": ids().carol.detachSign(csr),
    },
    gpgKeys: { carol: [registeredKey(ids().carol)] },
  });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.review("dave", "APPROVED", minutes(1));
    expect(s.verdict()!.conclusion).toBe("success");
    await s.merge(minutes(2));
    expect(s.mainFiles().has("clusters/prod/admins/carol.pem")).toBe(true);
  } finally {
    await s.stop();
  }
});
