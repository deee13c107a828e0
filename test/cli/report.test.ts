import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { commitFiles } from "../helpers/build-repo.js";
import { identities, type Identities } from "../helpers/identities.js";
import { buildReportRepo, HOSTILE_GROUP, REPORT_NOW, type ReportRepo } from "../helpers/report-repo.js";
import { run } from "../helpers/run.js";

let ids: Identities;
let repo: ReportRepo;
let head: string;
const dirs: string[] = [];

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "kaws-report-"));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  ids = identities();
  repo = await buildReportRepo(ids, folder());
  head = run("git", ["-C", repo.dir, "rev-parse", "HEAD"]).toString().trim();
});
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** `kaws` in process, at the report's fixed time: exit code, and what it printed. */
async function kaws(args: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
    now: REPORT_NOW,
  });
  return { status, stdout, stderr };
}

const factsCache = new Map<string, ReturnType<typeof readOpensslFacts>>();

/** What openssl itself reads in a certificate: the expected values come from it, not from the core. */
function opensslFacts(path: string) {
  if (!factsCache.has(path)) factsCache.set(path, readOpensslFacts(path));
  return factsCache.get(path)!;
}

function readOpensslFacts(path: string) {
  const pem = readFileSync(join(repo.dir, path));
  const text = run(
    "openssl",
    ["x509", "-noout", "-serial", "-dates", "-dateopt", "iso_8601", "-fingerprint", "-sha256"],
    { input: pem },
  ).toString();
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, "m").exec(text)![1]!;
  const iso = (value: string) => new Date(value.replace(" ", "T")).toISOString();
  return {
    serial: field("serial").toLowerCase(),
    notBefore: iso(field("notBefore")),
    notAfter: iso(field("notAfter")),
    fingerprintSha256: field("sha256 Fingerprint").replaceAll(":", ""),
  };
}

function clusterCertificate(role: "ca" | "master" | "node", daysLeft: number) {
  const { serial, notBefore, notAfter } = opensslFacts(`clusters/prod/${role}.pem`);
  return { role, path: `clusters/prod/${role}.pem`, serial, notBefore, notAfter, daysLeft, status: "valid" };
}

function adminCertificate(login: string, daysLeft: number, status: string, keyAlgorithm: string) {
  const path = `clusters/prod/admins/${login}.pem`;
  const { serial, notBefore, notAfter, fingerprintSha256 } = opensslFacts(path);
  return { path, serial, notBefore, notAfter, daysLeft, status, fingerprintSha256, keyAlgorithm };
}

describe("kaws report --json", () => {
  it("gives the access picture exactly: admins, approvals from the reconciler's trailer, pending CSRs, PKI expiry", async () => {
    const result = await kaws(["report", "--repo", repo.dir, "--ref", "HEAD", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      version: 1,
      generatedAt: REPORT_NOW.toISOString(),
      commit: head,
      warnDays: { admin: 14, cluster: 60 },
      clusters: [
        {
          name: "prod",
          certificates: [
            clusterCertificate("ca", 3570),
            clusterCertificate("master", 650),
            clusterCertificate("node", 650),
          ],
          admins: [
            {
              login: "alice",
              groups: ["developers"],
              key: { fingerprint: ids.alice.fingerprint, algorithm: "Ed25519" },
              certificate: adminCertificate("alice", 10, "expiring", "EC P-256"),
              approval: null,
            },
            {
              login: "bob",
              groups: ["system:masters"],
              key: { fingerprint: ids.bob.fingerprint, algorithm: "RSA-3072" },
              certificate: adminCertificate("bob", 70, "valid", "RSA-2048"),
              approval: {
                approvers: ["carol", "dave"],
                commit: repo.botCommit,
                author: "kaws-bot[bot] <bot@example.test>",
                csrSha256: sha256(readFileSync(join(repo.dir, "clusters/prod/admins/bob.csr"))),
              },
            },
            {
              login: "mallory",
              groups: ["developers", HOSTILE_GROUP],
              key: null,
              certificate: adminCertificate("mallory", -50, "expired", "EC P-256"),
              approval: null,
            },
          ],
          pending: [
            {
              login: "carol",
              groups: ["developers"],
              key: { fingerprint: ids.carol.fingerprint, algorithm: "Ed25519" },
              path: "clusters/prod/admins/carol.csr",
              csrSha256: sha256(repo.carolCsr),
              keyAlgorithm: "EC P-256",
            },
          ],
        },
      ],
    });
  });

  it("reads the working tree by default, with no commit named", async () => {
    const result = await kaws(["report", "--repo", repo.dir, "--json"]);
    const picture = JSON.parse(result.stdout) as { commit: unknown; clusters: { admins: unknown[] }[] };
    expect(picture.commit).toBeNull();
    expect(picture.clusters[0]!.admins).toHaveLength(3);
  });

  it("flags admin certificates as expiring renew_before_days ahead, as the config sets it", async () => {
    const dir = folder();
    run("git", ["clone", "-q", repo.dir, dir]);
    const config = readFileSync(join(dir, ".github/kaws.yml"), "utf8");
    writeFileSync(join(dir, ".github/kaws.yml"), `${config}renew_before_days: 75\n`);
    const result = await kaws(["report", "--repo", dir, "--json"]);
    expect(result.status).toBe(0);
    const picture = JSON.parse(result.stdout) as {
      warnDays: unknown;
      clusters: { admins: { login: string; certificate: { daysLeft: number; status: string } }[] }[];
    };
    expect(picture.warnDays).toEqual({ admin: 75, cluster: 60 });
    const bob = picture.clusters[0]!.admins.find((a) => a.login === "bob")!;
    expect(bob.certificate).toMatchObject({ daysLeft: 70, status: "expiring" });
  });
});

describe("kaws report (table)", () => {
  it("prints one row per admin with groups, key, serial, dates, days left and approvers", async () => {
    const result = await kaws(["report", "--repo", repo.dir, "--ref", "HEAD"]);
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(`access picture at ${head}, ${REPORT_NOW.toISOString()}`);
    const row = (login: string) => lines.find((line) => line.startsWith(`  ${login} `));
    const cells = (...values: string[]) =>
      new RegExp(`^  ${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(" +")}$`);
    const facts = (login: string) => opensslFacts(`clusters/prod/admins/${login}.pem`);
    const dates = (login: string) => [
      facts(login).notBefore.slice(0, 10),
      facts(login).notAfter.slice(0, 10),
    ];
    expect(row("alice")).toMatch(
      cells(
        "alice",
        "developers",
        `Ed25519 ${ids.alice.fingerprint}`,
        "EC P-256",
        facts("alice").serial,
        ...dates("alice"),
        "10 expiring",
        "unknown",
      ),
    );
    expect(row("bob")).toMatch(
      cells(
        "bob",
        "system:masters",
        `RSA-3072 ${ids.bob.fingerprint}`,
        "RSA-2048",
        facts("bob").serial,
        ...dates("bob"),
        "70",
        "carol,dave",
      ),
    );
    expect(row("mallory")).toMatch(
      cells(
        "mallory",
        `developers,${HOSTILE_GROUP}`,
        "none in pubkeys/",
        "EC P-256",
        facts("mallory").serial,
        ...dates("mallory"),
        "-50 expired",
        "unknown",
      ),
    );
    expect(row("carol")).toMatch(
      cells("carol", "developers", `Ed25519 ${ids.carol.fingerprint}`, "EC P-256", sha256(repo.carolCsr)),
    );
    expect(row("ca")).toMatch(/^ {2}ca +[0-9a-f]+ +\d{4}-\d\d-\d\d +\d{4}-\d\d-\d\d +3570 +valid$/);
  });

  it("colours expired red and expiring yellow on a terminal", async () => {
    let stdout = "";
    const terminal = { write: (text: string) => void (stdout += text), isTTY: true };
    expect(
      await main(["report", "--repo", repo.dir], { stdout: terminal, stderr: terminal, now: REPORT_NOW }),
    ).toBe(0);
    expect(stdout).toContain("\u001b[31m-50 expired");
    expect(stdout).toContain("\u001b[33m10 expiring");
  });
});

describe("kaws report --html", () => {
  it("writes one self-contained page where a group that is markup stays text", async () => {
    const page = join(folder(), "access.html");
    const result = await kaws(["report", "--repo", repo.dir, "--html", page]);
    expect(result).toEqual({ status: 0, stdout: `wrote ${page}\n`, stderr: "" });
    const html = readFileSync(page, "utf8");
    expect(html).toContain(
      "<code>developers</code>, <code>&#60;img src=x onerror=alert(1)&#62;&#38;&#34;&#39;</code>",
    );
    expect(html).not.toContain("<img");
    expect(html).not.toMatch(/<script|<link|src=["']?http|url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).toMatch(/<tr class="expired">.*<b>mallory<\/b>/);
    expect(html).toMatch(/<tr class="expiring">.*<b>alice<\/b>/);
  });
});

describe("kaws report on bad input", () => {
  it.each([
    ["a certificate that does not parse", "clusters/prod/admins/alice.pem", "not a certificate\n"],
    [
      "a CSR that does not parse",
      "clusters/prod/admins/carol.csr",
      "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
    ],
    ["a public key that is not one", "pubkeys/alice.asc", "hello\n"],
    ["a config that does not parse", ".github/kaws.yml", "approvals: [\n"],
    ["renew_before_days beyond admin_cert_days", ".github/kaws.yml", "renew_before_days: 90\n"],
  ])("exits 2 naming the file for %s", async (_, path, content) => {
    const dir = folder();
    run("git", ["clone", "-q", repo.dir, dir]);
    writeFileSync(join(dir, path), content);
    const result = await kaws(["report", "--repo", dir]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^kaws: ${path.replaceAll(".", "\\.")}[: ]`));
  });

  it("exits 2 naming a certificate that is a symlink", async () => {
    const dir = folder();
    commitFiles(dir, { "README.md": "x\n" });
    run("mkdir", ["-p", join(dir, "clusters/prod/admins")]);
    symlinkSync("/etc/hostname", join(dir, "clusters/prod/admins/alice.pem"));
    const result = await kaws(["report", "--repo", dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("clusters/prod/admins/alice.pem: not a regular file");
  });

  it.each([
    [["report", "--bogus"], "Unknown option '--bogus'"],
    [["report", "--ref", "no-such-ref"], "cannot read no-such-ref"],
    [["report", "--html", "/proc/kaws-report.html"], "cannot write /proc/kaws-report.html"],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const result = await kaws([...args, "--repo", repo.dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
