import { expect, it } from "vitest";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

it("checks a CSR against the key on the default branch, not a key swapped in by the same PR", async () => {
  // mallory, with push access to a branch, replaces alice's key by her own and signs a CSR as alice
  const { csr } = makeCsr("/CN=alice/O=system:masters");
  const head = withFiles(
    repo().files,
    {
      "pubkeys/alice.asc": ids().mallory.exportPublic(),
      "clusters/prod/admins/alice.csr": csr,
      "clusters/prod/admins/alice.csr.asc": ids().mallory.detachSign(csr),
    },
    ["clusters/prod/admins/alice.pem"],
  );
  const result = await evaluateChange({ base: repo().tree(), head, author: "alice", now: repo().now });
  expect(result.ok).toBe(false);
  expect(result.findings).toContainEqual(
    expect.objectContaining({ rule: "csr.signature.wrong-signer", severity: "error" }),
  );
  expect(result.findings).toContainEqual(
    expect.objectContaining({ rule: "pubkey.replaced", path: "pubkeys/alice.asc" }),
  );
});
