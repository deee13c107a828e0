import { spawnSync } from "node:child_process";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildRepo, commitFiles, type BuiltRepo } from "../helpers/build-repo.js";
import type { GpgHome } from "../helpers/gpg.js";
import { identities, type Identities } from "../helpers/identities.js";
import { opensslVerify } from "../helpers/openssl.js";

const kawsBin = fileURLToPath(new URL("../../bin/kaws.js", import.meta.url));
let ids: Identities;
let built: BuiltRepo;
let work: string;
let repo: string;
let keyDir: string;

function kaws(args: string[], gpg: GpgHome) {
  const result = spawnSync(process.execPath, [kawsBin, ...args, "--repo", repo], {
    encoding: "utf8",
    env: { ...process.env, GNUPGHOME: gpg.home, NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** kubectl without blocking: the HTTPS server it talks to runs in this process. */
function runKubectl(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("kubectl", args, { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  ids = identities();
  built = await buildRepo(ids);
  work = mkdtempSync(join(tmpdir(), "kaws-journey-"));
  repo = join(work, "repo");
  keyDir = join(work, "keys");
  commitFiles(repo, { ...built.files, "pubkeys/carol.asc": ids.carol.exportPublic() });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the admin's journey: request, sign, install, and kubectl", () => {
  it("requests: a 0600 key outside the repository, a CSR and its signature by the user's own gpg", () => {
    const result = kaws(
      [
        "admin",
        "request",
        "--cluster",
        "prod",
        "--login",
        "carol",
        "--groups",
        "developers",
        "--gpg-key",
        ids.carol.fingerprint,
        "--key-dir",
        keyDir,
      ],
      ids.carol,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const keyPath = join(keyDir, "repo", "prod", "carol-key.pem");
    expect(result.stdout).toContain(`private key: ${keyPath} (mode 0600`);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(result.stdout).toContain("open a pull request");
    const verify = spawnSync(process.execPath, [kawsBin, "verify", "--json", "--repo", repo], {
      encoding: "utf8",
    });
    const findings = JSON.parse(verify.stdout).findings as { rule: string; path: string }[];
    expect(findings.filter((f) => f.path.includes("carol")).map((f) => f.rule)).toEqual([
      "csr.certificate.pending",
    ]);
    // a second request never overwrites the key
    const again = kaws(
      ["admin", "request", "--cluster", "prod", "--login", "carol", "--key-dir", keyDir],
      ids.carol,
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already exists: kaws never overwrites a private key");
  });

  it("signs, break-glass, with an operator's own gpg opening the CA key; openssl accepts the result", () => {
    const result = kaws(["admin", "sign", "--cluster", "prod", "--login", "carol"], ids.alice);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^wrote clusters\/prod\/admins\/carol\.pem: serial [0-9a-f]{32}/);
    const pem = readFileSync(join(repo, "clusters/prod/admins/carol.pem"), "utf8");
    expect(opensslVerify(built.pki.certificates.ca, pem, "sslclient").status).toBe(0);
    const refused = kaws(["admin", "sign", "--cluster", "prod", "--login", "carol"], ids.mallory);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("gpg");
  });

  it("installs a kubeconfig that kubectl uses to authenticate, checking master.pem's SANs", async () => {
    const seen: { cn?: string | string[]; o?: string | string[] }[] = [];
    const server: Server = createServer(
      {
        key: Buffer.from(built.pki.privateKeys.master),
        cert: built.pki.certificates.master,
        ca: built.pki.certificates.ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (request, response) => {
        const peer = (request.socket as TLSSocket).getPeerCertificate();
        seen.push({ cn: peer.subject.CN, o: peer.subject.O });
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] }),
        );
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const kubeconfig = join(work, "kubeconfig");
      // the admin's own kubeconfig, with a comment and another cluster: both kept
      writeFileSync(
        kubeconfig,
        "# my clusters\napiVersion: v1\nkind: Config\nclusters:\n  - name: other # staging\n    cluster: {server: https://other.example}\nusers: []\ncontexts: []\n",
      );
      const install = kaws(
        [
          "admin",
          "install",
          "--cluster",
          "prod",
          "--login",
          "carol",
          "--server",
          `https://127.0.0.1:${port}`,
          "--key-dir",
          keyDir,
          "--kubeconfig",
          kubeconfig,
        ],
        ids.carol,
      );
      expect(install.stderr).toBe("");
      expect(install.stdout).toContain("wrote context kaws-prod-carol");
      // the kubectl line to try names the file kubectl would not find by itself
      expect(install.stdout).toContain(
        `try: kubectl --kubeconfig ${kubeconfig} --context kaws-prod-carol get nodes`,
      );
      expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
      const text = readFileSync(kubeconfig, "utf8");
      expect(text).toContain("# my clusters");
      expect(text).toContain("# staging");
      const written = parse(text);
      expect(written.clusters.map((c: { name: string }) => c.name)).toEqual(["other", "kaws-prod"]);
      expect(written.clusters[1].cluster["tls-server-name"]).toBe("k8s.example.com");
      expect(JSON.stringify(written)).not.toContain("PRIVATE KEY"); // the key is referenced, not copied

      const kubectl = await runKubectl([
        "--kubeconfig",
        kubeconfig,
        "--context",
        "kaws-prod-carol",
        "get",
        "--raw",
        "/api",
      ]);
      expect(kubectl.stderr).toBe("");
      expect(JSON.parse(kubectl.stdout)).toMatchObject({ kind: "APIVersions" });
      expect(seen.at(-1)).toEqual({ cn: "carol", o: "developers" });

      // the SANs are checked: a TLS name the master certificate does not carry is refused
      const wrongName = parse(readFileSync(kubeconfig, "utf8"));
      wrongName.clusters[1].cluster["tls-server-name"] = "evil.example.com";
      const wrongConfig = join(work, "kubeconfig-wrong");
      writeFileSync(wrongConfig, JSON.stringify(wrongName));
      const refused = await runKubectl([
        "--kubeconfig",
        wrongConfig,
        "--context",
        "kaws-prod-carol",
        "get",
        "--raw",
        "/api",
      ]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(
        /certificate is valid for .*k8s\.example\.com.*not evil\.example\.com|x509/,
      );
    } finally {
      server.close();
    }
  });
});
