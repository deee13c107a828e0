import { expect, it } from "vitest";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { useRepo } from "../helpers/use-repo.js";

// A renewal (one's own certificate removed, one's own CSR and signature replaced) is a request, so
// it needs no more than a request's approvals. It must not carry away anyone else's certificate.

const { ids, repo } = useRepo();

function aliceNewCsr() {
  const { csr } = makeCsr("/CN=alice/O=developers");
  return {
    "clusters/prod/admins/alice.csr": csr,
    "clusters/prod/admins/alice.csr.asc": ids().alice.detachSign(csr),
  };
}

it("does not let a renewal remove another admin's certificate as part of the request", async () => {
  const result = await evaluateChange({
    base: repo().tree(),
    head: withFiles(repo().files, aliceNewCsr(), [
      "clusters/prod/admins/alice.pem",
      "clusters/prod/admins/bob.pem",
    ]),
    author: "alice",
    now: repo().now,
  });
  expect(result.kind).toBe("privileged");
  expect(result.privilegedPaths).toEqual(["clusters/prod/admins/bob.pem"]);
  expect(result.findings).toContainEqual(
    expect.objectContaining({ rule: "change.privileged", path: "clusters/prod/admins/bob.pem" }),
  );
});

it("does not take a renewal of someone else's files, even when they are replaced together, as a request", async () => {
  // mallory opens a PR replacing alice's CSR (signed by alice, say from an older request) and
  // removing alice's certificate: alice's files are not mallory's to renew
  const result = await evaluateChange({
    base: repo().tree(),
    head: withFiles(repo().files, aliceNewCsr(), ["clusters/prod/admins/alice.pem"]),
    author: "mallory",
    now: repo().now,
  });
  expect(result.kind).toBe("privileged");
  expect(result.privilegedPaths).toEqual([
    "clusters/prod/admins/alice.csr",
    "clusters/prod/admins/alice.csr.asc",
    "clusters/prod/admins/alice.pem",
  ]);
});
