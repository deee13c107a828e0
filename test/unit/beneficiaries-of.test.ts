import { expect, it } from "vitest";
import { beneficiariesOf } from "../../src/core/policy/beneficiaries-of.js";

it("names whose key, CSR or new certificate a change brings, not whose files it removes or re-issues", () => {
  expect(
    beneficiariesOf([
      { path: "pubkeys/carol.asc", change: "modified" },
      { path: "clusters/prod/admins/erin.csr", change: "added" },
      { path: "clusters/prod/admins/erin.csr.asc", change: "added" },
      { path: "clusters/dev/admins/frank.pem", change: "added" },
      { path: "clusters/prod/admins/alice.pem", change: "modified" }, // a rotation re-issues it
      { path: "pubkeys/bob.asc", change: "removed" },
      { path: "clusters/prod/ca.pem", change: "modified" },
      { path: "src/app.ts", change: "modified" },
    ]),
  ).toEqual(["carol", "erin", "frank"]);
});
