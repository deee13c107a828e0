import { expect, it } from "vitest";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

it("does not let mallory request a certificate in alice's name, even with a CSR she signed herself", async () => {
  const { csr } = makeCsr("/CN=alice/O=system:masters");
  const head = withFiles(
    repo().files,
    {
      "clusters/prod/admins/alice.csr": csr,
      "clusters/prod/admins/alice.csr.asc": ids().mallory.detachSign(csr),
    },
    ["clusters/prod/admins/alice.pem"],
  );
  const result = await evaluateChange({ base: repo().tree(), head, author: "mallory", now: repo().now });
  expect(result.ok).toBe(false);
  expect(result.kind).toBe("privileged");
  expect(result.findings).toContainEqual(
    expect.objectContaining({
      rule: "csr.signature.wrong-signer",
      path: "clusters/prod/admins/alice.csr.asc",
      severity: "error",
    }),
  );
  expect(result.requests[0]?.signerFingerprint).toBeNull();
});
