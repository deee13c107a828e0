import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { decryptMessage, readDecryptionKey } from "../../src/core/openpgp/decrypt-message.js";
import { CLUSTER_YML, commitFiles } from "../helpers/build-repo.js";
import type { GpgHome } from "../helpers/gpg.js";
import { makeGpgIdentity } from "../helpers/gpg.js";
import { opensslVerify } from "../helpers/openssl.js";
import { useRepo } from "../helpers/use-repo.js";

const kawsBin = fileURLToPath(new URL("../../bin/kaws.js", import.meta.url));
const { ids, repo: built } = useRepo();
const work = mkdtempSync(join(tmpdir(), "kaws-cluster-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function kaws(args: string[], repo: string, gpg?: GpgHome) {
  const env = { ...process.env, NO_COLOR: "1", ...(gpg ? { GNUPGHOME: gpg.home } : {}) };
  const result = spawnSync(process.execPath, [kawsBin, ...args, "--repo", repo], { encoding: "utf8", env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("kaws bot-key", () => {
  it("writes the public key, prints the secret key only, and never replaces an existing key", async () => {
    const repo = join(work, "bot");
    commitFiles(repo, { "README.md": "x" });
    const result = kaws(["bot-key", "--name", "acme kaws-bot"], repo);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
    expect(result.stderr).toMatch(/wrote \.github\/kaws-bot\.asc \(fingerprint [0-9A-F]{40}\)/);
    const publicKey = readFileSync(join(repo, ".github/kaws-bot.asc"), "utf8");
    expect(publicKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    // gpg 2.2 encrypts to the public key; the printed secret key opens it
    const sender = makeGpgIdentity(work, "sender", "cv25519");
    sender.importKeys(publicKey);
    const fingerprint = /fingerprint ([0-9A-F]{40})/.exec(result.stderr)![1]!;
    const message = sender.encryptTo(new TextEncoder().encode("for the bot"), [fingerprint]);
    const opened = await decryptMessage(message, await readDecryptionKey(result.stdout));
    expect(new TextDecoder().decode(opened)).toBe("for the bot");
    expect(kaws(["verify"], repo).status).toBe(0);
    const again = kaws(["bot-key"], repo);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already exists");
  });
});

describe("kaws cluster genpki and reencrypt", () => {
  it("generates a new cluster's PKI that openssl and gpg accept", () => {
    const repo = join(work, "genpki");
    commitFiles(repo, { ...built().files, "clusters/staging/cluster.yml": CLUSTER_YML });
    const result = kaws(["cluster", "genpki", "staging"], repo);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n")).toHaveLength(6);
    const read = (path: string) => readFileSync(join(repo, "clusters/staging", path), "utf8");
    expect(opensslVerify(read("ca.pem"), read("master.pem"), "sslserver").status).toBe(0);
    expect(opensslVerify(read("ca.pem"), read("node.pem"), "sslclient").status).toBe(0);
    expect(ids().bob.decrypt(read("node-key.pem.asc")).status).toBe(0);
    expect(kaws(["verify"], repo).status).toBe(0);
    const again = kaws(["cluster", "genpki", "staging"], repo);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already has PKI");
  });

  it("re-encrypts, with an admin's own gpg, to a new admin; then finds nothing to do", () => {
    const repo = join(work, "reencrypt");
    commitFiles(repo, { ...built().files, "pubkeys/carol.asc": ids().carol.exportPublic() });
    expect(kaws(["verify"], repo).status).toBe(1);
    const result = kaws(["cluster", "reencrypt"], repo, ids().alice);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n").sort()).toEqual([
      "wrote clusters/prod/ca-key.pem.asc",
      "wrote clusters/prod/master-key.pem.asc",
      "wrote clusters/prod/node-key.pem.asc",
    ]);
    expect(ids().carol.decrypt(readFileSync(join(repo, "clusters/prod/ca-key.pem.asc"))).status).toBe(0);
    expect(kaws(["verify"], repo).status).toBe(0);
    expect(kaws(["cluster", "reencrypt", "prod"], repo, ids().alice).stdout).toContain("nothing to do");
    // someone who is not a recipient cannot do it, and nothing is changed
    writeFileSync(join(repo, "pubkeys/mallory.asc"), ids().mallory.exportPublic());
    const before = readFileSync(join(repo, "clusters/prod/ca-key.pem.asc"));
    const refused = kaws(["cluster", "reencrypt"], repo, ids().mallory);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain("could not handle clusters/prod/ca-key.pem.asc");
    expect(readFileSync(join(repo, "clusters/prod/ca-key.pem.asc"))).toEqual(before);
  });
});

describe("kaws cluster rotate", () => {
  it("writes a new CA, keys and re-issued admin certificates that verify, without needing any secret key", () => {
    const repo = join(work, "rotate");
    commitFiles(repo, built().files);
    const result = kaws(["cluster", "rotate", "prod"], repo);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("wrote clusters/prod/admins/alice.pem");
    expect(result.stdout).toContain("open a pull request");
    const read = (path: string) => readFileSync(join(repo, "clusters/prod", path), "utf8");
    expect(read("ca.pem")).not.toBe(built().files["clusters/prod/ca.pem"]);
    expect(opensslVerify(read("ca.pem"), read("admins/bob.pem"), "sslclient").status).toBe(0);
    expect(ids().bob.decrypt(read("ca-key.pem.asc")).status).toBe(0);
    expect(kaws(["verify"], repo).status).toBe(0);
  });
});
