import { expect, it } from "vitest";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

it("does not trust a CSR for alice signed by bob, another admin, and names bob's key", async () => {
  const csr = repo().files["clusters/prod/admins/alice.csr"] as Uint8Array;
  const tree = withFiles(repo().files, { "clusters/prod/admins/alice.csr.asc": ids().bob.detachSign(csr) });
  const { findings, csrs } = await verifyTree(tree, { now: repo().now });
  const finding = findings.find((f) => f.rule === "csr.signature.wrong-signer");
  expect(finding?.path).toBe("clusters/prod/admins/alice.csr.asc");
  expect(finding?.message).toContain(`pubkeys/bob.asc (${ids().bob.fingerprint})`);
  expect(finding?.message).toContain(ids().alice.fingerprint);
  expect(csrs.find((c) => c.login === "alice")?.signerFingerprint).toBeNull();
});
