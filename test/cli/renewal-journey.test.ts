import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import type { TLSSocket } from "node:tls";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli/main.js";
import { buildRepo, commitFiles, type BuiltRepo } from "../helpers/build-repo.js";
import type { GpgHome } from "../helpers/gpg.js";
import { identities, type Identities } from "../helpers/identities.js";
import { opensslVerify } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";

let ids: Identities;
let built: BuiltRepo;
let work: string;
let repo: string;
let keyDir: string;
let keyPath: string;
let nextKeyPath: string;
let kubeconfig: string;

/** `kaws` in process, as `as` (their GNUPGHOME): exit code and what it printed. */
async function kaws(args: string[], as?: GpgHome) {
  const saved = process.env.GNUPGHOME;
  if (as) process.env.GNUPGHOME = as.home;
  let stdout = "";
  let stderr = "";
  try {
    const status = await main([...args, "--repo", repo], {
      stdout: { write: (text) => void (stdout += text), isTTY: false },
      stderr: { write: (text) => void (stderr += text), isTTY: false },
    });
    return { status, stdout, stderr };
  } finally {
    if (saved === undefined) delete process.env.GNUPGHOME;
    else process.env.GNUPGHOME = saved;
  }
}

const git = (...args: string[]) =>
  run("git", ["-C", repo, "-c", "user.name=carol", "-c", "user.email=carol@example.test", ...args])
    .toString()
    .trim();
const carol = ["--cluster", "prod", "--login", "carol"];
const serialOf = (pem: string | Buffer) =>
  /^serial=(.*)$/m.exec(run("openssl", ["x509", "-noout", "-serial"], { input: pem }).toString())![1]!;
const publicKeyOf = (pem: string | Buffer, kind: "x509" | "pkey") =>
  run("openssl", kind === "x509" ? ["x509", "-noout", "-pubkey"] : ["pkey", "-pubout"], { input: pem });

beforeAll(async () => {
  ids = identities();
  built = await buildRepo(ids);
  work = mkdtempSync(join(tmpdir(), "kaws-renewal-"));
  repo = join(work, "repo");
  keyDir = join(work, "keys");
  keyPath = join(keyDir, "repo", "prod", "carol-key.pem");
  nextKeyPath = join(keyDir, "repo", "prod", "carol-key.next.pem");
  kubeconfig = join(work, "kubeconfig");
  commitFiles(repo, { ...built.files, "pubkeys/carol.asc": ids.carol.exportPublic() }, "base");
  // carol's first certificate: her request, signed break-glass by alice, installed
  expect(
    (await kaws(["admin", "request", ...carol, "--groups", "developers", "--key-dir", keyDir], ids.carol))
      .status,
  ).toBe(0);
  expect((await kaws(["admin", "sign", ...carol], ids.alice)).status).toBe(0);
  git("add", "-A");
  git("commit", "-q", "-m", "carol's first certificate");
  expect(
    (await kaws(["admin", "install", ...carol, "--key-dir", keyDir, "--kubeconfig", kubeconfig])).status,
  ).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("renewing a certificate: renew, check, sign, install, kubectl", () => {
  let oldPem: string;
  let oldKey: Buffer;

  it("renew makes a new key beside the current one, a new CSR signed by carol's gpg, and removes the certificate", async () => {
    oldPem = readFileSync(join(repo, "clusters/prod/admins/carol.pem"), "utf8");
    oldKey = readFileSync(keyPath);
    const oldCsr = readFileSync(join(repo, "clusters/prod/admins/carol.csr"));
    const result = await kaws(["admin", "renew", ...carol, "--key-dir", keyDir], ids.carol);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `renewing clusters/prod/admins/carol.pem (serial ${serialOf(oldPem).toLowerCase()}`,
    );
    expect(result.stdout).toContain(`new private key: ${nextKeyPath} (mode 0600`);
    expect(result.stdout).toContain(`your current key ${keyPath} stays`);
    expect(result.stdout).toContain("wrote clusters/prod/admins/carol.csr (CN=carol, O=developers)"); // the old groups
    expect(result.stdout).toContain(
      "add clusters/prod/admins/carol.csr clusters/prod/admins/carol.csr.asc clusters/prod/admins/carol.pem",
    );
    expect(statSync(nextKeyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyPath).equals(oldKey)).toBe(true); // the current key is untouched
    expect(existsSync(join(repo, "clusters/prod/admins/carol.pem"))).toBe(false);
    const newCsr = readFileSync(join(repo, "clusters/prod/admins/carol.csr"));
    expect(newCsr.equals(oldCsr)).toBe(false);
    // the CSR carries the new key, and carol's own gpg signed it
    expect(
      run("openssl", ["req", "-noout", "-pubkey"], { input: newCsr }).equals(
        publicKeyOf(readFileSync(nextKeyPath), "pkey"),
      ),
    ).toBe(true);
    const signature = join(work, "carol.csr.asc");
    run("cp", [join(repo, "clusters/prod/admins/carol.csr.asc"), signature]);
    const gpgVerify = run("gpg", [
      "--homedir",
      ids.carol.home,
      "--status-fd",
      "1",
      "--verify",
      signature,
      join(repo, "clusters/prod/admins/carol.csr"),
    ]).toString();
    expect(gpgVerify).toContain(`VALIDSIG ${ids.carol.fingerprint}`);
  });

  it("kaws check judges the committed renewal a request by carol, naming the certificate it renews", async () => {
    git("checkout", "-q", "-b", "renew");
    git("add", "-A");
    git("commit", "-q", "-m", "renew carol's certificate");
    const check = await kaws(["check", "--base", "main", "--head", "renew", "--author", "carol", "--json"]);
    expect(check.status).toBe(0);
    const { change } = JSON.parse(check.stdout);
    expect(change).toMatchObject({ kind: "request", author: "carol", requiredApprovals: 1 });
    expect(change.requests).toEqual([
      expect.objectContaining({
        login: "carol",
        groups: ["developers"],
        renews: { serial: serialOf(oldPem).toLowerCase(), notAfter: expect.any(String) },
      }),
    ]);
    const human = await kaws(["check", "--base", "main", "--head", "renew", "--author", "carol"]);
    expect(human.stdout).toMatch(
      /carol asks for a certificate on prod \(developers\), key [0-9A-F]{40}; it renews the certificate that expires on \d{4}-\d\d-\d\d/,
    );
    // the same files pushed by someone else are not their request
    const byAlice = await kaws(["check", "--base", "main", "--head", "renew", "--author", "alice", "--json"]);
    expect(JSON.parse(byAlice.stdout).change.kind).toBe("privileged");
  });

  it("once signed, install switches to the new key, and kubectl authenticates with the new certificate", async () => {
    const signed = await kaws(["admin", "sign", ...carol], ids.alice);
    expect(signed.status).toBe(0);
    const newPem = readFileSync(join(repo, "clusters/prod/admins/carol.pem"), "utf8");
    expect(serialOf(newPem)).not.toBe(serialOf(oldPem));
    expect(opensslVerify(built.pki.certificates.ca, newPem, "sslclient").status).toBe(0);
    const nextKey = readFileSync(nextKeyPath);
    expect(publicKeyOf(newPem, "x509").equals(publicKeyOf(nextKey, "pkey"))).toBe(true);

    // a kubeconfig that does not read stops install before it touches a key: both stay as they were
    const broken = join(keyDir, "broken-kubeconfig");
    writeFileSync(broken, "clusters: [unclosed\n");
    const refused = await kaws(["admin", "install", ...carol, "--key-dir", keyDir, "--kubeconfig", broken]);
    expect(refused.status).toBe(2);
    expect(existsSync(nextKeyPath)).toBe(true);
    expect(readFileSync(keyPath).equals(nextKey)).toBe(false);

    const install = await kaws([
      "admin",
      "install",
      ...carol,
      "--key-dir",
      keyDir,
      "--kubeconfig",
      kubeconfig,
    ]);
    expect(install.stderr).toBe("");
    expect(install.stdout).toContain(
      `renewed key put to use: ${nextKeyPath} is now ${keyPath}, replacing the previous key`,
    );
    expect(readFileSync(keyPath).equals(nextKey)).toBe(true);
    expect(existsSync(nextKeyPath)).toBe(false);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const written = parse(readFileSync(kubeconfig, "utf8"));
    const user = written.users.find((u: { name: string }) => u.name === "kaws-prod-carol").user;
    expect(Buffer.from(user["client-certificate-data"], "base64").toString()).toBe(newPem);
    expect(user["client-key"]).toBe(keyPath);

    const contexts = await kubectl(["--kubeconfig", kubeconfig, "config", "get-contexts", "-o", "name"]);
    expect(contexts.stdout.split("\n")).toContain("kaws-prod-carol");
    expect(await kubectlHandshake()).toEqual({ cn: "carol", o: "developers", serial: serialOf(newPem) });
  });
});

describe("kaws admin renew refuses, exit 2", () => {
  it.each([
    [
      ["--cluster", "prod", "--login", "dave"],
      "there is no certificate to renew: clusters/prod/admins/dave.pem is missing",
    ],
    [["--cluster", "staging", "--login", "carol"], 'there is no cluster "staging"'],
    [["--cluster", "prod"], "this command needs --cluster C --login L"],
  ])("%j", async (args, message) => {
    const result = await kaws(["admin", "renew", ...args, "--key-dir", keyDir], ids.carol);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("while a renewal is under way: its key waits for its certificate, and is never overwritten", async () => {
    const dir = join(work, "keys-under-way");
    expect((await kaws(["admin", "renew", ...carol, "--key-dir", dir], ids.carol)).status).toBe(0);
    git("checkout", "-q", "--", "clusters/prod/admins/");
    const again = await kaws(["admin", "renew", ...carol, "--key-dir", dir], ids.carol);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("carol-key.next.pem already exists: a renewal is under way");
    git("checkout", "-q", "--", "clusters/prod/admins/");
  });
});

function kubectl(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("kubectl", args, { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** kubectl against an API server stand-in that requires a client certificate: who did it see? */
async function kubectlHandshake() {
  const seen: { cn?: unknown; o?: unknown; serial?: string }[] = [];
  const server = createServer(
    {
      key: Buffer.from(built.pki.privateKeys.master),
      cert: built.pki.certificates.master,
      ca: built.pki.certificates.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      seen.push({ cn: peer.subject.CN, o: peer.subject.O, serial: peer.serialNumber });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const config = parse(readFileSync(kubeconfig, "utf8"));
    const result = await kubectl([
      "--kubeconfig",
      kubeconfig,
      "--context",
      "kaws-prod-carol",
      "--server",
      `https://127.0.0.1:${port}`,
      "--tls-server-name",
      config.clusters[0].cluster["tls-server-name"] ?? "k8s.example.com",
      "get",
      "--raw",
      "/api",
    ]);
    expect(result.stderr).toBe("");
    return seen.at(-1);
  } finally {
    server.close();
  }
}
