import { describe, expect, it } from "vitest";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { renderStickyComment } from "../../src/core/report/sticky-comment.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";
import { errorsOf, useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
const ALICE_PEM = "clusters/prod/admins/alice.pem";

/** What `kaws admin renew` leaves: alice's new CSR and signature, her old certificate removed. */
function aliceRenews() {
  const { csr } = makeCsr("/CN=alice/O=developers");
  return {
    "clusters/prod/admins/alice.csr": csr,
    "clusters/prod/admins/alice.csr.asc": ids().alice.detachSign(csr),
  };
}

/** The serial and end of a certificate as openssl reads it (not the core). */
function opensslFacts(pem: string | Uint8Array) {
  const text = run("openssl", ["x509", "-noout", "-serial", "-enddate", "-dateopt", "iso_8601"], {
    input: pem,
  }).toString();
  return {
    serial: /^serial=(.*)$/m.exec(text)![1]!.toLowerCase(),
    day: /^notAfter=(\d{4}-\d\d-\d\d)/m.exec(text)![1]!,
  };
}

describe("a renewal: the author's own certificate removed, their CSR and signature replaced", () => {
  it("is a request, not a privileged change, and names the certificate it renews", async () => {
    const head = withFiles(repo().files, aliceRenews(), [ALICE_PEM]);
    const result = await evaluateChange({ base: repo().tree(), head, author: "alice", now: repo().now });
    expect(errorsOf(result.findings)).toEqual([]);
    expect(result).toMatchObject({
      ok: true,
      kind: "request",
      privilegedPaths: [],
      beneficiaries: ["alice"],
    });
    const { serial, day } = opensslFacts(repo().files[ALICE_PEM]!);
    expect(result.requests).toEqual([
      expect.objectContaining({
        cluster: "prod",
        login: "alice",
        signerFingerprint: ids().alice.fingerprint,
        renews: { path: ALICE_PEM, serial, notAfter: expect.any(Date), expired: false },
      }),
    ]);
    expect(result.requests[0]!.renews!.notAfter!.toISOString().slice(0, 10)).toBe(day);
    expect(result.pending).toContainEqual({ kind: "issue-certificate", cluster: "prod", login: "alice" });
    expect(result.findings.map((f) => f.rule)).not.toContain("change.privileged");

    const comment = renderStickyComment({
      evaluation: result,
      findings: result.findings,
      bindings: [],
      headSha: "a".repeat(40),
      approvals: { approvers: [], required: 1, satisfied: false, ignored: [] },
    });
    expect(comment).toContain("### kaws: access request by @alice");
    expect(comment).toContain(
      `@alice asks for a certificate on **prod** with groups \`developers\`, signed with key \`${ids().alice.fingerprint}\`. It renews the certificate that expires on ${day} (serial \`${serial}\`).`,
    );
  });

  it("says the certificate expired when it had ended before the evaluation", async () => {
    const head = withFiles(repo().files, aliceRenews(), [ALICE_PEM]);
    const later = new Date(repo().now.getTime() + 100 * 86_400_000);
    const result = await evaluateChange({ base: repo().tree(), head, author: "alice", now: later });
    expect(result.requests[0]!.renews).toMatchObject({ expired: true });
    const comment = renderStickyComment({
      evaluation: result,
      findings: result.findings,
      bindings: [],
      headSha: "a".repeat(40),
      approvals: { approvers: [], required: 1, satisfied: false, ignored: [] },
    });
    expect(comment).toContain(
      `It renews the certificate that expired on ${opensslFacts(repo().files[ALICE_PEM]!).day}`,
    );
  });

  it("is no renewal when the CSR stays: a first request, or a certificate removed alone (privileged)", async () => {
    const removedAlone = await evaluateChange({
      base: repo().tree(),
      head: withFiles(repo().files, {}, [ALICE_PEM]),
      author: "alice",
      now: repo().now,
    });
    expect(removedAlone).toMatchObject({ kind: "privileged", privilegedPaths: [ALICE_PEM] });

    const { csr } = makeCsr("/CN=carol/O=developers");
    const first = await evaluateChange({
      base: repo().tree(),
      head: withFiles(repo().files, {
        "pubkeys/carol.asc": ids().carol.exportPublic(),
        "clusters/prod/admins/carol.csr": csr,
        "clusters/prod/admins/carol.csr.asc": ids().carol.detachSign(csr),
      }),
      author: "carol",
      now: repo().now,
    });
    expect(first.requests.map((r) => r.renews)).toEqual([null]);
  });
});
