import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { certificateTrailers } from "../../src/core/reconcile/issued-certificates.js";
import { makeCsr, opensslVerify } from "../helpers/openssl.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { run } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

const ALICE_PEM = "clusters/prod/admins/alice.pem";

function endDay(pem: string | Uint8Array): string {
  const text = run("openssl", ["x509", "-noout", "-enddate", "-dateopt", "iso_8601"], { input: pem });
  return /^notAfter=(\d{4}-\d\d-\d\d)/m.exec(text.toString())![1]!;
}

it("judges alice's renewal a request, says which certificate it renews, and issues the new one at merge", async () => {
  // what `kaws admin renew` pushes: a new CSR and signature, the old certificate removed
  const { csr } = makeCsr("/CN=alice/O=developers");
  const s = await pullRequestScenario(ids(), repo(), {
    author: "alice",
    files: {
      "clusters/prod/admins/alice.csr": csr,
      "clusters/prod/admins/alice.csr.asc": ids().alice.detachSign(csr),
    },
    remove: [ALICE_PEM],
    gpgKeys: {},
    botKey: true,
  });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    const renews = `It renews the certificate that expires on ${endDay(repo().files[ALICE_PEM]!)}`;
    expect(s.sticky()).toContain("### kaws: access request by @alice");
    expect(s.sticky()).toContain(renews);
    expect(s.sticky()).not.toContain("Privileged change");
    expect(s.verdict()!.output?.summary).toContain(renews);
    expect(s.verdict()!.conclusion).toBe("action_required");

    await s.review("dave", "APPROVED", minutes(1));
    expect(s.verdict()!.conclusion).toBe("success");
    await s.merge(minutes(2));

    const issued = s.mainFiles().get(ALICE_PEM);
    expect(issued).toBeDefined();
    const pem = s.repo.blobs.get(issued!.oid)!;
    expect(Buffer.from(pem).equals(Buffer.from(repo().files[ALICE_PEM] as string))).toBe(false);
    expect(opensslVerify(repo().pki.certificates.ca, Buffer.from(pem).toString(), "sslclient").status).toBe(
      0,
    );
    // nothing refused, nobody removed: the access picture only
    expect(s.github.issues.map((i) => i.title)).toEqual(["kaws: who can reach which cluster"]);
    const commits = s.botCommits();
    expect(commits).toHaveLength(1);
    expect(certificateTrailers(commits[0]!.message)).toEqual([
      expect.objectContaining({ cluster: "prod", login: "alice", approvers: ["dave"] }),
    ]);
  } finally {
    await s.stop();
  }
});
