import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGitTree } from "../../src/cli/read-git-tree.js";
import { readWorkingTree } from "../../src/cli/read-working-tree.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { treeFromFiles } from "../../src/core/tree/repo-tree.js";
import { commitFiles } from "../helpers/build-repo.js";
import { withFiles } from "../helpers/mutate.js";
import { run } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const TARGETS = [
  "pubkeys/alice.asc",
  ".github/kaws-bot.asc",
  ".github/kaws.yml",
  "clusters/prod/cluster.yml",
  "clusters/prod/ca.pem",
  "clusters/prod/master.pem",
  "clusters/prod/node-key.pem.asc",
  "clusters/prod/admins/alice.csr",
  "clusters/prod/admins/alice.csr.asc",
  "clusters/prod/admins/alice.pem",
];

function random(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) bytes[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16;
  return bytes;
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Another real file whose armor or PEM label is not the one this path expects. */
function wrongArmor(original: Uint8Array): Uint8Array | string {
  const t = text(original);
  if (t.includes("PGP PUBLIC KEY")) return repo().files["clusters/prod/admins/alice.csr.asc"]!;
  if (t.includes("PGP SIGNATURE") || t.includes("PGP MESSAGE")) return ids().alice.exportPublic();
  if (t.includes("CERTIFICATE REQUEST")) return repo().files["clusters/prod/admins/alice.pem"]!;
  if (t.includes("CERTIFICATE")) return repo().files["clusters/prod/admins/alice.csr"]!;
  return repo().files["clusters/prod/node-key.pem.asc"]!; // YAML files get an OpenPGP message
}

/** The DER form of a PEM file; random binary for the others. */
function binaryForText(original: Uint8Array): Uint8Array {
  const t = text(original);
  if (t.includes("CERTIFICATE REQUEST"))
    return run("openssl", ["req", "-outform", "DER"], { input: original });
  if (t.includes("BEGIN CERTIFICATE"))
    return run("openssl", ["x509", "-outform", "DER"], { input: original });
  return random(64, 3);
}

const BAD: Record<string, (original: Uint8Array) => Uint8Array | string> = {
  "garbage bytes": () => random(500, 7),
  "truncated armor or PEM": (original) => original.subarray(0, Math.floor(original.length / 2)),
  "the wrong armor type": wrongArmor,
  "binary where text is expected": binaryForText,
};

describe("bad input gives a finding that names the file, never a crash", () => {
  for (const [kind, make] of Object.entries(BAD)) {
    it.each(TARGETS)(`${kind} in %s`, async (path) => {
      const original = repo().files[path] as Uint8Array;
      const bytes = typeof original === "string" ? new TextEncoder().encode(original) : original;
      const tree = withFiles(repo().files, { [path]: make(bytes) });
      const started = Date.now();
      const { findings } = await verifyTree(tree, { now: repo().now });
      expect(Date.now() - started).toBeLessThan(5000);
      const here = findings.filter((f) => f.path === path && f.severity === "error");
      expect(here, JSON.stringify(findings, null, 1)).not.toEqual([]);
      for (const f of here) expect(f.message).not.toMatch(/undefined|\[object/);
    });
  }

  it("an empty pubkey, CSR, signature and certificate are errors naming each", async () => {
    const empty = [
      "pubkeys/alice.asc",
      "clusters/prod/admins/alice.csr",
      "clusters/prod/admins/bob.csr.asc",
      "clusters/prod/ca.pem",
      "clusters/prod/cluster.yml",
    ];
    const { findings } = await verifyTree(
      withFiles(repo().files, Object.fromEntries(empty.map((p) => [p, ""]))),
      { now: repo().now },
    );
    for (const path of empty)
      expect(
        findings.some((f) => f.path === path && f.severity === "error"),
        path,
      ).toBe(true);
  });

  it("a file over 64 KiB is rejected before parsing", async () => {
    const huge = Buffer.concat([ids().carol.exportPublic(), Buffer.alloc(70 * 1024, 0x20)]);
    const { findings } = await verifyTree(withFiles(repo().files, { "pubkeys/carol.asc": huge }), {
      now: repo().now,
    });
    const rules = findings.filter((f) => f.path === "pubkeys/carol.asc").map((f) => f.rule);
    expect(rules).toEqual(["tree.file-size"]);
  });

  it("an empty repository has only warnings: no config, no bot key", async () => {
    const { findings } = await verifyTree(treeFromFiles({}), { now: new Date() });
    expect(findings.map((f) => `${f.severity} ${f.rule} ${f.path}`)).toEqual([
      "warning bot-key.missing .github/kaws-bot.asc",
      "warning config.missing .github/kaws.yml",
    ]);
  });

  it("a missing bot key is an error once clusters hold encrypted keys", async () => {
    const { findings } = await verifyTree(withFiles(repo().files, {}, [".github/kaws-bot.asc"]), {
      now: repo().now,
    });
    expect(findings).toContainEqual(
      expect.objectContaining({ rule: "bot-key.missing", severity: "error", path: ".github/kaws-bot.asc" }),
    );
  });
});

describe("odd file names read from git and from disk", () => {
  it("flags a non-UTF-8 name, a name with a newline and unknown files, and reads the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kaws-names-"));
    dirs.push(dir);
    commitFiles(dir, repo().files);
    writeFileSync(
      Buffer.concat([Buffer.from(`${dir}/pubkeys/`), Buffer.from([0x6d, 0xe9, 0x2e, 0x61, 0x73, 0x63])]),
      "x",
    );
    writeFileSync(join(dir, "clusters/prod/admins/eve\n.csr"), "x");
    writeFileSync(join(dir, "clusters/prod/ca.pem.bak"), "x");
    commitFiles(dir, {}, "odd names");
    for (const tree of [await readGitTree(dir, "HEAD"), await readWorkingTree(dir)]) {
      const { findings } = await verifyTree(tree, { now: repo().now });
      const byRule = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.path);
      expect(byRule("tree.file-name")).toEqual(["pubkeys/m\uFFFD.asc"]);
      expect(byRule("tree.unexpected-file")).toEqual(
        expect.arrayContaining(["clusters/prod/admins/eve\n.csr", "clusters/prod/ca.pem.bak"]),
      );
      expect(
        findings.filter(
          (f) =>
            f.severity === "error" &&
            !f.path.includes("eve") &&
            !f.path.includes("bak") &&
            !f.path.includes("\uFFFD"),
        ),
      ).toEqual([]);
    }
  });
});
