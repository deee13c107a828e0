import { expect, it } from "vitest";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

it("does not trust a signature made over a CSR other than the committed one", async () => {
  // alice signed a developers CSR; the committed CSR was swapped for one asking for system:masters.
  const signed = makeCsr("/CN=alice/O=developers").csr;
  const swapped = makeCsr("/CN=alice/O=system:masters").csr;
  const tree = withFiles(repo().files, {
    "clusters/prod/admins/alice.csr": swapped,
    "clusters/prod/admins/alice.csr.asc": ids().alice.detachSign(signed),
  });
  const { findings } = await verifyTree(tree, { now: repo().now });
  expect(findings).toContainEqual(
    expect.objectContaining({
      rule: "csr.signature.bad",
      path: "clusters/prod/admins/alice.csr.asc",
      severity: "error",
    }),
  );
});

it("does not trust a CSR with one byte appended after signing", async () => {
  const csr = repo().files["clusters/prod/admins/alice.csr"] as Uint8Array;
  const tree = withFiles(repo().files, {
    "clusters/prod/admins/alice.csr": Buffer.concat([csr, Buffer.from("\n")]),
  });
  const { findings } = await verifyTree(tree, { now: repo().now });
  expect(findings.map((f) => f.rule)).toContain("csr.signature.bad");
});
