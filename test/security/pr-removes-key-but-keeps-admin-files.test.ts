import { expect, it } from "vitest";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { planRotation } from "../../src/core/reconcile/plan-rotation.js";
import { publicKeyOf } from "../helpers/build-repo.js";
import { withFiles } from "../helpers/mutate.js";
import { errorsOf, useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

const bobsAdminFiles = [
  "clusters/prod/admins/bob.csr",
  "clusters/prod/admins/bob.csr.asc",
  "clusters/prod/admins/bob.pem",
];

it("refuses a PR that removes an admin's key but leaves their CSR, signature and certificate", async () => {
  // merged as is, the default branch could no longer verify bob's CSR, and a rotation would
  // re-issue bob's certificate: the PR must remove everything of bob's, or nothing
  const head = withFiles(repo().files, {}, ["pubkeys/bob.asc"]);
  const afterMerge = await verifyTree(head, { now: repo().now });
  expect(afterMerge.findings).toContainEqual(
    expect.objectContaining({ rule: "csr.signature.no-key", severity: "error" }),
  );

  const result = await evaluateChange({ base: repo().tree(), head, author: "carol", now: repo().now });
  expect(result.ok).toBe(false);
  expect(errorsOf(result.findings).filter((f) => f.rule === "pubkey.removed-with-files")).toEqual(
    bobsAdminFiles.map((path) =>
      expect.objectContaining({ path, message: expect.stringContaining("pubkeys/bob.asc is removed") }),
    ),
  );
});

it("accepts removing the key together with all of the admin's files, as a privileged change", async () => {
  const head = withFiles(repo().files, {}, ["pubkeys/bob.asc", ...bobsAdminFiles]);
  const result = await evaluateChange({ base: repo().tree(), head, author: "carol", now: repo().now });
  expect(errorsOf(result.findings)).toEqual([]);
  expect(result).toMatchObject({ ok: true, kind: "privileged" });
});

it("does not re-issue a certificate in a rotation for a CSR whose owner has no key any more", async () => {
  // a default branch already left in that state (by a direct push, or before this rule existed)
  const tree = withFiles(repo().files, {}, ["pubkeys/bob.asc"]);
  const rotation = await planRotation({
    tree,
    cluster: "prod",
    recipients: await Promise.all([ids().alice, ids().bot].map(publicKeyOf)),
    adminCertDays: 90,
    now: repo().now,
  });
  expect(rotation.reissued).toEqual(["alice"]);
  expect(rotation.files.map((f) => f.path)).not.toContain("clusters/prod/admins/bob.pem");
  expect(rotation.skipped).toEqual([
    {
      path: "clusters/prod/admins/bob.pem",
      reason: expect.stringContaining("pubkeys/bob.asc is missing"),
    },
  ]);
});
