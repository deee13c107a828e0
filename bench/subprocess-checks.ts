import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parallel } from "./build-synthetic-repo.js";

/**
 * The same checks as `kaws verify`, done the way a shell script would: one real `gpg` or `openssl`
 * process per file, as many at once as there are cores. Returns the wall time and the failures.
 */
export async function runSubprocessChecks(
  dir: string,
  concurrency = cpus().length,
): Promise<{ ms: number; spawned: number; failures: number }> {
  const home = mkdtempSync(join(tmpdir(), "kaws-bench-gpg-"));
  const gpg = ["--homedir", home, "--batch", "--no-tty", "--quiet"];
  const jobs: string[][] = [];
  const pubkeys = readdirSync(join(dir, "pubkeys"))
    .filter((f) => f.endsWith(".asc"))
    .map((f) => join(dir, "pubkeys", f));
  for (const key of pubkeys) jobs.push(["gpg", ...gpg, "--list-packets", key]);
  for (const cluster of readdirSync(join(dir, "clusters"))) {
    const base = join(dir, "clusters", cluster);
    for (const role of ["ca", "master", "node"])
      jobs.push(["gpg", ...gpg, "--list-only", "--list-packets", join(base, `${role}-key.pem.asc`)]);
    jobs.push(opensslVerify(base, join(base, "ca.pem")));
    jobs.push(opensslVerify(base, join(base, "master.pem"), "sslserver"));
    jobs.push(opensslVerify(base, join(base, "node.pem"), "sslclient"));
    for (const file of readdirSync(join(base, "admins")).filter((f) => f.endsWith(".csr"))) {
      const csr = join(base, "admins", file);
      jobs.push(["openssl", "req", "-verify", "-noout", "-in", csr]);
      jobs.push(["gpg", ...gpg, "--verify", `${csr}.asc`, csr]);
      jobs.push(opensslVerify(base, csr.replace(/\.csr$/, ".pem"), "sslclient"));
    }
  }
  const started = performance.now();
  // gpg needs the admins' keys in a keyring before it can verify their signatures
  await spawnOne(["gpg", ...gpg, "--import", ...pubkeys]);
  let failures = 0;
  await parallel(jobs, concurrency, async (job) => {
    if ((await spawnOne(job)) !== 0) failures++;
  });
  const ms = performance.now() - started;
  await spawnOne(["gpgconf", "--homedir", home, "--kill", "all"]);
  rmSync(home, { recursive: true, force: true });
  return { ms, spawned: jobs.length + 1, failures };
}

function spawnOne([command, ...args]: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: "ignore" });
    child.on("close", (code) => resolve(code ?? -1));
  });
}

function opensslVerify(
  clusterDir: string,
  certificate: string,
  purpose?: "sslclient" | "sslserver",
): string[] {
  const purposeArgs = purpose === undefined ? [] : ["-purpose", purpose];
  return [
    "openssl",
    "verify",
    "-x509_strict",
    ...purposeArgs,
    "-CAfile",
    join(clusterDir, "ca.pem"),
    certificate,
  ];
}
