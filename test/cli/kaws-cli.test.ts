import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRepo, commitFiles, type BuiltRepo } from "../helpers/build-repo.js";
import { identities, type Identities } from "../helpers/identities.js";
import { makeCsr } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const kawsBin = join(projectRoot, "bin/kaws.js");

function kaws(args: string[], cwd = projectRoot) {
  const result = spawnSync(process.execPath, [kawsBin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let ids: Identities;
let repo: BuiltRepo;
let dir: string;
let good: string;
let onboarding: string;
let broken: string;

beforeAll(async () => {
  ids = identities();
  repo = await buildRepo(ids);
  dir = mkdtempSync(join(tmpdir(), "kaws-cli-"));
  good = commitFiles(dir, repo.files, "a correct repository");
  const { csr } = makeCsr("/CN=carol/O=developers");
  onboarding = commitFiles(
    dir,
    {
      "pubkeys/carol.asc": ids.carol.exportPublic(),
      "clusters/prod/admins/carol.csr": csr,
      "clusters/prod/admins/carol.csr.asc": ids.carol.detachSign(csr),
    },
    "carol asks for access",
  );
  broken = commitFiles(
    dir,
    {
      "clusters/prod/admins/alice.csr.asc": ids.bob.detachSign(
        repo.files["clusters/prod/admins/alice.csr"] as Uint8Array,
      ),
    },
    "alice's CSR signed by bob",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("kaws verify", () => {
  it("prints ok: true and exits 0 on a correct repository", () => {
    const result = kaws(["verify", "--repo", dir, "--ref", good]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("ok: true (0 errors, 1 warning)");
    expect(result.status).toBe(0);
  });

  it("prints the documented JSON object", () => {
    const result = kaws(["verify", "--repo", dir, "--ref", good, "--json"]);
    const output = JSON.parse(result.stdout) as { ok: boolean; findings: Record<string, string>[] };
    expect(output.ok).toBe(true);
    expect(Object.keys(output)).toEqual(["ok", "findings"]);
    expect(output.findings).toEqual([
      {
        rule: "csr.group.privileged",
        severity: "warning",
        path: "clusters/prod/admins/bob.csr",
        message: expect.any(String),
      },
    ]);
  });

  it("exits 1 with the finding on the right file when a rule is broken (working tree, the default)", () => {
    const result = kaws(["verify", "--json"], dir);
    expect(result.status).toBe(1);
    const output = JSON.parse(result.stdout) as { ok: boolean; findings: Record<string, string>[] };
    expect(output.ok).toBe(false);
    expect(output.findings).toContainEqual(
      expect.objectContaining({
        rule: "csr.signature.wrong-signer",
        severity: "error",
        path: "clusters/prod/admins/alice.csr.asc",
      }),
    );
    expect(kaws(["verify", "--repo", dir, "--ref", broken]).stdout).toContain("ok: false");
  });

  it.each([
    [["verify", "--bogus"], "Unknown option '--bogus'"],
    [["verify", "--repo", "/nonexistent/kaws"], "cannot read /nonexistent/kaws"],
    [["verify", "--ref", "no-such-ref"], "cannot read no-such-ref"],
    [["check", "--base", "HEAD"], "kaws check needs --base REF --head REF --author LOGIN"],
    [["frobnicate"], 'unknown command "frobnicate"'],
  ])("exits 2 with a clear message for %j", (args, message) => {
    const result = kaws(args, dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("passes on this project's own repository", () => {
    const result = kaws(["verify"]);
    expect(result.stdout).toContain("ok: true");
    expect(result.status).toBe(0);
  });
});

it("runs as `npx kaws` from the project, with nothing built by hand", () => {
  const result = spawnSync("npx", ["--offline", "kaws", "help"], { cwd: projectRoot, encoding: "utf8" });
  expect(result.stdout).toContain("kaws verify [--repo DIR] [--ref REF] [--json]");
  expect(result.status).toBe(0);
});

describe("kaws check", () => {
  it("evaluates an onboarding change between two refs as a pull request", () => {
    const human = kaws(["check", "--repo", dir, "--base", good, "--head", onboarding, "--author", "carol"]);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain("request change by carol");
    expect(human.stdout).toContain(
      `carol asks for a certificate on prod (developers), key ${ids.carol.fingerprint}`,
    );
    expect(human.stdout).toContain("pending at merge: issue carol's certificate for prod");
    const json = JSON.parse(
      kaws(["check", "--repo", dir, "--base", good, "--head", onboarding, "--author", "carol", "--json"])
        .stdout,
    );
    expect(json.ok).toBe(true);
    expect(json.change).toMatchObject({
      kind: "request",
      author: "carol",
      requiredApprovals: 1,
      requests: [{ cluster: "prod", login: "carol", groups: ["developers"] }],
    });
  });

  it("judges a pull request behind its base as the bot does: what it did since the merge base, by the base's keys", () => {
    // the base moved on after carol branched: mallory's key landed there
    const behind = mkdtempSync(join(tmpdir(), "kaws-behind-"));
    try {
      const start = commitFiles(behind, repo.files, "a correct repository");
      const { csr } = makeCsr("/CN=carol/O=developers");
      const request = commitFiles(
        behind,
        {
          "pubkeys/carol.asc": ids.carol.exportPublic(),
          "clusters/prod/admins/carol.csr": csr,
          "clusters/prod/admins/carol.csr.asc": ids.carol.detachSign(csr),
        },
        "carol asks for access",
      );
      run("git", ["-C", behind, "checkout", "-q", "-b", "moved", start]);
      const moved = commitFiles(
        behind,
        { "pubkeys/mallory.asc": ids.mallory.exportPublic() },
        "mallory joins",
      );
      const check = (extra: string[]) =>
        JSON.parse(
          kaws([
            "check",
            "--repo",
            behind,
            "--base",
            moved,
            "--head",
            request,
            "--author",
            "carol",
            "--json",
            ...extra,
          ]).stdout,
        );
      const verdict = check([]);
      expect(verdict.ok).toBe(true);
      // not "removes mallory's key": the pull request never touched it
      expect(verdict.change).toMatchObject({
        kind: "request",
        requests: [{ login: "carol", cluster: "prod" }],
      });
      expect(JSON.stringify(verdict.findings)).not.toContain("mallory");
      // judged by another commit's config and keys when asked
      expect(check(["--authority", start]).change).toMatchObject({ kind: "request" });
    } finally {
      rmSync(behind, { recursive: true, force: true });
    }
  });

  it("exits 1 when the change breaks a rule", () => {
    const result = kaws([
      "check",
      "--repo",
      dir,
      "--base",
      onboarding,
      "--head",
      broken,
      "--author",
      "mallory",
      "--json",
    ]);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).findings).toContainEqual(
      expect.objectContaining({ rule: "csr.signature.wrong-signer" }),
    );
  });
});
