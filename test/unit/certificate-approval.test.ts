import { describe, expect, it } from "vitest";
import { certificateTrailers } from "../../src/core/reconcile/issued-certificates.js";
import { certificateApproval } from "../../src/core/report/certificate-approval.js";

const CSR_SHA = "9a".repeat(32);
/** A reconcile commit message as reconcileCommitMessage writes it (see sign-on-merge.test.ts). */
const MESSAGE = `kaws: issue 2 admin certificates

- bob on prod, approved in #7
- erin on staging, approved in #8

Kaws-Certificate: prod/bob serial=00c1f2 csr-sha256=${CSR_SHA} approvers=carol,dave
Kaws-Certificate: staging/erin serial=0a1b csr-sha256=${CSR_SHA} approvers=`;

describe("certificateTrailers", () => {
  it("reads the approvers of each trailer; none listed is an empty list", () => {
    expect(certificateTrailers(MESSAGE)).toEqual([
      { cluster: "prod", login: "bob", serial: "00c1f2", csrSha256: CSR_SHA, approvers: ["carol", "dave"] },
      { cluster: "staging", login: "erin", serial: "0a1b", csrSha256: CSR_SHA, approvers: [] },
    ]);
  });
});

describe("certificateApproval", () => {
  const added = { commit: "c".repeat(40), author: "kaws-bot[bot] <bot@example.test>", message: MESSAGE };

  it("takes the trailer for this cluster, login and serial (serials compared as numbers)", () => {
    expect(certificateApproval(added, { cluster: "prod", login: "bob", serial: "C1F2" })).toEqual({
      approvers: ["carol", "dave"],
      commit: added.commit,
      author: added.author,
      csrSha256: CSR_SHA,
    });
  });

  it.each([
    ["another serial (a certificate replaced since)", { cluster: "prod", login: "bob", serial: "c1f3" }],
    ["another cluster", { cluster: "staging", login: "bob", serial: "c1f2" }],
    ["another login", { cluster: "prod", login: "mallory", serial: "c1f2" }],
  ])("is unknown for %s", (_, certificate) => {
    expect(certificateApproval(added, certificate)).toBeNull();
  });

  it("is unknown without a trailer, or without a commit that added the certificate", () => {
    const push = { ...added, message: "add my certificate\n\napprovers=carol" };
    expect(certificateApproval(push, { cluster: "prod", login: "bob", serial: "c1f2" })).toBeNull();
    expect(certificateApproval(undefined, { cluster: "prod", login: "bob", serial: "c1f2" })).toBeNull();
  });
});
