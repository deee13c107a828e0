import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { sha256Hex } from "../../src/core/hash.js";
import type { IssuedCertificate } from "../../src/core/pki/issue-client-certificate.js";
import { planRotation } from "../../src/core/reconcile/plan-rotation.js";
import { reconcileCommitMessage } from "../../src/core/reconcile/reconcile-commit-message.js";
import { treeFromFiles } from "../../src/core/tree/repo-tree.js";
import { buildRepo, commitFiles, publicKeyOf, type BuiltRepo, type Files } from "../helpers/build-repo.js";
import type { GpgHome } from "../helpers/gpg.js";
import { identities, type Identities } from "../helpers/identities.js";
import { makeCsr } from "../helpers/openssl.js";
import { buildReportRepo, type ReportRepo } from "../helpers/report-repo.js";
import { run } from "../helpers/run.js";

let ids: Identities;
const dirs: string[] = [];
let clean: string;
let reportRepo: ReportRepo;
/** The commits of the clean history, by what they did. */
const commits: Record<string, string> = {};

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "kaws-audit-"));
  dirs.push(dir);
  return dir;
}

async function kaws(args: string[], as?: GpgHome) {
  const saved = process.env.GNUPGHOME;
  if (as) process.env.GNUPGHOME = as.home;
  let stdout = "";
  let stderr = "";
  try {
    const status = await main(args, {
      stdout: { write: (text) => void (stdout += text), isTTY: false },
      stderr: { write: (text) => void (stderr += text), isTTY: false },
    });
    return { status, stdout, stderr };
  } finally {
    if (saved === undefined) delete process.env.GNUPGHOME;
    else process.env.GNUPGHOME = saved;
  }
}

const git = (dir: string, ...args: string[]) =>
  run("git", ["-C", dir, "-c", "user.name=test", "-c", "user.email=test@example.test", ...args])
    .toString()
    .trim();

/** The reconciler's commit: the certificates, and one trailer each naming the approvers. */
function reconcileCommit(dir: string, built: BuiltRepo, issued: Record<string, IssuedCertificate>): string {
  const certificates = Object.entries(issued).map(([login, certificate]) => ({
    path: `clusters/prod/admins/${login}.pem`,
    content: certificate.pem,
    cluster: "prod",
    login,
    issued: certificate,
    csrSha256: sha256Hex(built.files[`clusters/prod/admins/${login}.csr`] as Uint8Array),
    approval: { pullNumber: 7, approvers: ["carol"] },
  }));
  for (const c of certificates) writeFileSync(join(dir, c.path), c.content);
  git(dir, "add", "-A");
  git(
    dir,
    "-c",
    "user.name=kaws-bot[bot]",
    "commit",
    "-q",
    "-m",
    reconcileCommitMessage(certificates, [], 3),
  );
  return git(dir, "rev-parse", "HEAD");
}

/**
 * A history where every certificate is explained: the reconciler issues alice's and bob's, a
 * rotation re-signs both under a new CA, bob's is deleted and restored by a revert.
 */
async function buildCleanHistory(dir: string): Promise<void> {
  const built = await buildRepo(ids);
  const alice = (await built.addAdmin("alice", ids.alice))!;
  const bob = (await built.addAdmin("bob", ids.bob, { groups: ["system:masters"], key: "rsa2048" }))!;
  const requests = Object.fromEntries(
    Object.entries(built.files).filter(([path]) => !path.endsWith(".pem") || !path.includes("/admins/")),
  );
  commits.requests = commitFiles(dir, requests, "the PKI and two requests");
  commits.reconcile = reconcileCommit(dir, built, { alice, bob });
  const rotation = await planRotation({
    tree: treeFromFiles(built.files),
    cluster: "prod",
    recipients: await Promise.all([ids.alice, ids.bob, ids.bot].map(publicKeyOf)),
    adminCertDays: 90,
    now: built.now,
  });
  const rotated: Files = Object.fromEntries(rotation.files.map((f) => [f.path, f.content]));
  commits.rotation = commitFiles(dir, rotated, "kaws: rotate the PKI of prod");
  commits.removal = commitFiles(dir, {}, "remove bob's certificate", ["clusters/prod/admins/bob.pem"]);
  git(dir, "revert", "--no-edit", "HEAD");
  commits.restore = git(dir, "rev-parse", "HEAD");
}

beforeAll(async () => {
  ids = identities();
  clean = folder();
  await buildCleanHistory(clean);
  reportRepo = await buildReportRepo(ids, folder());
});
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

type Audited = {
  path: string;
  commit: string;
  explainedBy: string | null;
  basis: string | null;
  reason: string | null;
};

describe("kaws audit on a history where every certificate came from the reconciler", () => {
  it("exits 0 and explains each write: trailers, a rotation's re-signing, a restore", async () => {
    const result = await kaws(["audit", "--repo", clean, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const audit = JSON.parse(result.stdout);
    expect(audit).toMatchObject({ version: 1, ref: "HEAD", commit: commits.restore, ok: true });
    const rows = (audit.certificates as Audited[]).map((c) => [
      c.path.slice(21),
      c.commit,
      c.explainedBy,
      c.basis,
    ]);
    expect(rows).toEqual([
      ["alice.pem", commits.reconcile, "trailer", null],
      ["bob.pem", commits.reconcile, "trailer", null],
      ["alice.pem", commits.rotation, "rotation", commits.reconcile],
      ["bob.pem", commits.rotation, "rotation", commits.reconcile],
      ["bob.pem", commits.restore, "restored", commits.rotation],
    ]);
    expect(audit.certificates[0]).toMatchObject({
      approvers: ["carol"],
      author: "kaws-bot[bot] <test@example.test>",
      reason: null,
    });
    const human = await kaws(["audit", "--repo", clean]);
    expect(human.stdout).toContain("explained    clusters/prod/admins/alice.pem in ");
    expect(human.stdout).toContain("a reconcile commit's trailer, serial ");
    expect(human.stdout).toMatch(/ok: true/);
  });

  it("flags a certificate signed break-glass on a branch and merged: every commit reachable is read", async () => {
    const dir = folder();
    run("git", ["clone", "-q", clean, dir]);
    git(dir, "checkout", "-q", "-b", "break-glass");
    const { csr } = makeCsr("/CN=carol/O=developers");
    commitFiles(dir, {
      "pubkeys/carol.asc": ids.carol.exportPublic(),
      "clusters/prod/admins/carol.csr": csr,
      "clusters/prod/admins/carol.csr.asc": ids.carol.detachSign(csr),
    });
    expect(
      (await kaws(["admin", "sign", "--cluster", "prod", "--login", "carol", "--repo", dir], ids.alice))
        .status,
    ).toBe(0);
    const signed = commitFiles(dir, {}, "carol's certificate, signed by alice");
    git(dir, "checkout", "-q", "main");
    git(dir, "merge", "-q", "--no-ff", "-m", "Merge break-glass", "break-glass");
    const result = await kaws(["audit", "--repo", dir, "--json"]);
    expect(result.status).toBe(1);
    const audit = JSON.parse(result.stdout) as { ok: boolean; certificates: Audited[] };
    expect(audit.ok).toBe(false);
    expect(audit.certificates.filter((c) => c.explainedBy === null)).toEqual([
      expect.objectContaining({
        path: "clusters/prod/admins/carol.pem",
        commit: signed,
        author: "test <test@example.test>",
        subject: "carol's certificate, signed by alice",
        reason: expect.stringContaining("no Kaws-Certificate trailer for prod/carol"),
      }),
    ]);
  });
});

describe("kaws audit on a history with certificates pushed directly", () => {
  it("exits 1 naming each certificate, its commit, its author as git records it, and why", async () => {
    const first = git(reportRepo.dir, "rev-list", "--max-parents=0", "HEAD");
    const result = await kaws(["audit", "--repo", reportRepo.dir]);
    expect(result.status).toBe(1);
    for (const login of ["alice", "mallory"]) {
      expect(result.stdout).toContain(
        `UNEXPLAINED  clusters/prod/admins/${login}.pem in ${first.slice(0, 12)}: its commit has no Kaws-Certificate trailer for prod/${login}: a direct push, a break-glass \`kaws admin sign\`, or a merge that wrote it`,
      );
    }
    expect(result.stdout).toContain(
      `commit ${first} by test <test@example.test>: "alice's and mallory's certificates, pushed directly"`,
    );
    expect(result.stdout).toContain(
      `explained    clusters/prod/admins/bob.pem in ${reportRepo.botCommit.slice(0, 12)}`,
    );
    expect(result.stdout).toContain("approved by carol, dave");
    expect(result.stdout).toContain("ok: false — 2 certificate(s) came another way");
  });

  it("finds a trailer that does not match the certificate, and an older commit of the history with --ref", async () => {
    const dir = folder();
    run("git", ["clone", "-q", reportRepo.dir, dir]);
    // a writer copies the bot's message onto a commit of their own that replaces bob's certificate
    const message = git(dir, "log", "-1", "--format=%B", reportRepo.botCommit);
    const { ["clusters/prod/admins/alice.pem"]: alicePem } = reportRepo.built.files;
    writeFileSync(join(dir, "clusters/prod/admins/bob.pem"), alicePem!);
    git(dir, "commit", "-q", "-a", "-m", message);
    const result = await kaws(["audit", "--repo", dir, "--json"]);
    const audit = JSON.parse(result.stdout) as { certificates: Audited[] };
    expect(audit.certificates.at(-1)).toMatchObject({
      path: "clusters/prod/admins/bob.pem",
      explainedBy: null,
      reason: expect.stringMatching(/trailer for prod\/bob names serial [0-9a-f]+, not the certificate's/),
    });
    const before = await kaws(["audit", "--repo", dir, "--ref", "HEAD~1", "--json"]);
    expect(JSON.parse(before.stdout).certificates).toHaveLength(3);
  });

  it.each([
    [["--ref", "no-such-ref"], "cannot read no-such-ref"],
    [["--bogus"], "Unknown option '--bogus'"],
  ])("exits 2 for %j", async (args, message) => {
    const result = await kaws(["audit", "--repo", reportRepo.dir, ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("exits 2 outside a git repository", async () => {
    const result = await kaws(["audit", "--repo", folder()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("not a git repository, or no such commit");
  });
});
