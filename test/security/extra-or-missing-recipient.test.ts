import { expect, it } from "vitest";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { encryptToRecipients } from "../../src/core/openpgp/encrypt-to-recipients.js";
import { publicKeyOf } from "../helpers/build-repo.js";
import { withFiles } from "../helpers/mutate.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

it("does not accept a cluster key also readable by someone who is not an admin", async () => {
  const keys = await Promise.all([ids().alice, ids().bob, ids().bot, ids().mallory].map(publicKeyOf));
  const message = await encryptToRecipients(repo().pki.privateKeys.ca, keys, repo().now);
  const { findings } = await verifyTree(
    withFiles(repo().files, { "clusters/prod/ca-key.pem.asc": message }),
    { now: repo().now },
  );
  const finding = findings.find((f) => f.rule === "key-file.recipients");
  expect(finding?.path).toBe("clusters/prod/ca-key.pem.asc");
  const malloryIds = [keys[3]!.getKeyID(), ...keys[3]!.getSubkeys().map((s) => s.getKeyID())].map((k) =>
    k.toHex().toUpperCase(),
  );
  expect(malloryIds.some((id) => finding!.message.includes(id))).toBe(true);
});

it("does not accept a removed admin still listed as a recipient", async () => {
  // bob's key leaves pubkeys/, the key files still name him
  const { findings } = await verifyTree(
    withFiles(repo().files, {}, [
      "pubkeys/bob.asc",
      "clusters/prod/admins/bob.csr",
      "clusters/prod/admins/bob.csr.asc",
      "clusters/prod/admins/bob.pem",
    ]),
    { now: repo().now },
  );
  const paths = findings
    .filter((f) => f.rule === "key-file.recipients")
    .map((f) => f.path)
    .sort();
  expect(paths).toEqual([
    "clusters/prod/ca-key.pem.asc",
    "clusters/prod/master-key.pem.asc",
    "clusters/prod/node-key.pem.asc",
  ]);
});

it("does not accept a cluster key that a new admin cannot read", async () => {
  const { findings } = await verifyTree(
    withFiles(repo().files, { "pubkeys/carol.asc": ids().carol.exportPublic() }),
    { now: repo().now },
  );
  const finding = findings.find(
    (f) => f.rule === "key-file.recipients" && f.path === "clusters/prod/node-key.pem.asc",
  );
  expect(finding?.message).toContain("not encrypted to pubkeys/carol.asc");
});
