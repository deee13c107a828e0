import { beforeAll, describe, expect, it } from "vitest";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { buildRepo, type BuiltRepo } from "../helpers/build-repo.js";
import { identities, type Identities } from "../helpers/identities.js";

let ids: Identities;
let repo: BuiltRepo;

beforeAll(async () => {
  ids = identities();
  repo = await buildRepo(ids);
});

describe("verifyTree on a correct repository made by gpg and openssl", () => {
  it("finds no error and no warning", async () => {
    const result = await verifyTree(repo.tree(), { now: repo.now });
    const errors = result.findings.filter((f) => f.severity === "error");
    expect(errors).toEqual([]);
    expect(result.findings.map((f) => f.rule)).toEqual(["csr.group.privileged"]);
  });

  it("reports each admin key by fingerprint and each CSR by its signer", async () => {
    const result = await verifyTree(repo.tree(), { now: repo.now });
    expect(result.admins.get("alice")?.fingerprint).toBe(ids.alice.fingerprint);
    expect(result.admins.get("bob")?.fingerprint).toBe(ids.bob.fingerprint);
    expect(result.bot?.fingerprint).toBe(ids.bot.fingerprint);
    const csrs = Object.fromEntries(result.csrs.map((c) => [c.login, c]));
    expect(csrs.alice).toMatchObject({
      cluster: "prod",
      groups: ["developers"],
      signerFingerprint: ids.alice.fingerprint,
      hasCertificate: true,
    });
    expect(csrs.bob).toMatchObject({ groups: ["system:masters"], signerFingerprint: ids.bob.fingerprint });
  });
});
