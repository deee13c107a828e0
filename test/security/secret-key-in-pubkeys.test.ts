import { expect, it } from "vitest";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

it.each([true, false])(
  "rejects loudly a secret key committed as a public key (armored: %s)",
  async (armored) => {
    const secret = armored
      ? ids().carol.exportSecret()
      : ids().carol.gpg(["--export-secret-keys", ids().carol.fingerprint]);
    const { findings } = await verifyTree(withFiles(repo().files, { "pubkeys/carol.asc": secret }), {
      now: repo().now,
    });
    const finding = findings.find((f) => f.rule === "pubkey.secret-material");
    expect(finding).toMatchObject({ path: "pubkeys/carol.asc", severity: "error" });
    expect(finding?.message).toMatch(/SECRET key: remove it from the history now, consider it compromised/);
    // the secret key is never used as a recipient or signer
    expect(findings.some((f) => f.rule === "key-file.recipients")).toBe(false);
  },
);
