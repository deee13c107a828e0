import { expect, it } from "vitest";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { run } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { repo } = useRepo();

it.each([
  ["PKCS#8", ["genpkey", "-algorithm", "ed25519"], "PRIVATE KEY"],
  ["PKCS#1 RSA", ["genrsa", "-traditional", "2048"], "RSA PRIVATE KEY"],
  ["SEC1 EC", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"], "EC PRIVATE KEY"],
  [
    "encrypted PKCS#8",
    ["genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:x"],
    "ENCRYPTED PRIVATE KEY",
  ],
])("finds a %s private key in any file of the repository, managed or not", async (_kind, args, label) => {
  const key = run("openssl", args).toString();
  for (const path of ["docs/setup.md", "clusters/prod/admins/alice.pem", "src/leftover.ts"]) {
    const { findings } = await verifyTree(withFiles(repo().files, { [path]: `before\n${key}after\n` }), {
      now: repo().now,
    });
    const finding = findings.find((f) => f.rule === "secret.private-key" && f.path === path);
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toContain(`unencrypted ${label} block`);
    expect(finding?.message).toContain("line 2");
    expect(finding?.message).not.toContain(key.split("\n")[1]); // the finding never repeats the key
  }
});

it("does not flag code or docs that merely name the marker", async () => {
  const text = 'const marker = "-----BEGIN PRIVATE KEY-----"; // detect these\n';
  const { findings } = await verifyTree(withFiles(repo().files, { "src/scan.ts": text }), {
    now: repo().now,
  });
  expect(findings.filter((f) => f.rule === "secret.private-key")).toEqual([]);
});
