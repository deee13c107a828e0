import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import * as openpgp from "openpgp";
import { encryptToRecipients } from "../src/core/openpgp/encrypt-to-recipients.js";
import { generateClusterPki } from "../src/core/pki/generate-cluster-pki.js";
import { issueClientCertificate } from "../src/core/pki/issue-client-certificate.js";
import { readCertificate } from "../src/core/pki/read-certificate.js";
import { readCsr } from "../src/core/pki/read-csr.js";
import { importSigningKey } from "../src/core/pki/signing-key.js";
import { CLUSTER_ROLES } from "../src/core/tree/classify-path.js";

export const ADMINS = 200;
export const CLUSTERS = 20;
const STAMP_VERSION = "synthetic-repo-v2";
const MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000; // admin certificates last 90 days: rebuild well before

export interface SyntheticRepo {
  readonly dir: string;
  readonly gnupgHome: string;
}

export interface RepoSize {
  readonly admins: number;
  readonly clusters: number;
}

/**
 * A repository of 200 admins (half Curve25519, half RSA-3072, made by gpg), 20 clusters whose keys
 * are encrypted to all of them, and 200 CSRs (openssl) signed by their owners (gpg) with issued
 * certificates (one CSR per admin, spread over the clusters). Built once under `root` and reused
 * while fresh; `size` makes a larger one.
 */
export async function buildSyntheticRepo(
  root: string,
  log: (line: string) => void,
  size: RepoSize = { admins: ADMINS, clusters: CLUSTERS },
): Promise<SyntheticRepo> {
  const dir = join(root, "repo");
  const gnupgHome = join(root, "gnupg");
  const stampFile = join(root, "stamp");
  const stamp = `${STAMP_VERSION} ${size.admins} admins ${size.clusters} clusters`;
  if (
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === stamp &&
    Date.now() - statSync(stampFile).mtimeMs < MAX_AGE_MS
  ) {
    return { dir, gnupgHome };
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(gnupgHome, { recursive: true, mode: 0o700 });
  const write = (path: string, content: string | Uint8Array) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  const gpg = gpgIn(gnupgHome);

  log(`making ${size.admins} admin keys and the bot's with gpg (once; cached in ${root})`);
  const logins = Array.from({ length: size.admins }, (_, i) => `admin${String(i).padStart(3, "0")}`);
  // gpg locks its keyring: generate in one home per core, in batches, then merge the homes.
  const everyone = ["bot", ...logins];
  const workers = cpus().length;
  await parallel(
    Array.from({ length: workers }, (_, w) => w),
    workers,
    async (worker) => {
      const home = join(root, `gnupg-${worker}`);
      mkdirSync(home, { recursive: true, mode: 0o700 });
      // every other key is RSA (slow to make): deal them out in pairs so each home gets its share
      const batch = everyone
        .filter((_, index) => Math.floor(index / 2) % workers === worker)
        .map((login) => keyParameters(login, login !== "bot" && everyone.indexOf(login) % 2 === 0))
        .join("");
      await gpgAsync(home, ["--gen-key"], batch);
      await run("sh", [
        "-c",
        `gpg --homedir '${home}' --batch --export-secret-keys | gpg --homedir '${gnupgHome}' --batch --import`,
      ]);
      rmSync(home, { recursive: true, force: true });
    },
  );
  const fingerprints = new Map<string, string>();
  let current = "";
  for (const line of gpg(["--with-colons", "--list-keys"]).toString().split("\n")) {
    const fields = line.split(":");
    if (fields[0] === "pub") current = "";
    if (fields[0] === "fpr" && current === "") current = fields[9]!;
    if (fields[0] === "uid") fingerprints.set(/^(\S+) </.exec(fields[9]!)![1]!, current);
  }

  const publicKeys: openpgp.PublicKey[] = [];
  for (const login of ["bot", ...logins]) {
    const armored = gpg(["--armor", "--export", fingerprints.get(login)!]);
    write(login === "bot" ? ".github/kaws-bot.asc" : `pubkeys/${login}.asc`, armored);
    publicKeys.push(await openpgp.readKey({ armoredKey: armored.toString() }));
  }
  write(
    ".github/kaws.yml",
    `maintainers: [${logins.slice(0, 3).join(", ")}]\nallowed_groups: [developers, "system:masters"]\n`,
  );

  log(`generating ${size.clusters} clusters and encrypting their keys to ${publicKeys.length} recipients`);
  const now = new Date();
  const clusters: { name: string; ca: ReturnType<typeof readCertificate>; caKey: Uint8Array }[] = [];
  for (let c = 0; c < size.clusters; c++) {
    const name = `cluster${String(c).padStart(2, "0")}`;
    const spec = `region: us-east-1\napi_domain: ${name}.k8s.example.com\nvpc_id: vpc-0abc1234\nsubnet_ids: [subnet-0abc1234]\nami: ami-0abc1234\nkey_name: ops\nadmin_cidrs: [203.0.113.0/24]\nbastion: {instance_type: t3.micro, count: 1}\nmasters: {instance_type: m5.large, count: 3}\nnodes: {instance_type: m5.large, count: 3}\n`;
    write(`clusters/${name}/cluster.yml`, spec);
    const pki = await generateClusterPki(
      name,
      { api_domain: `${name}.k8s.example.com`, service_ip: "10.3.0.1" },
      now,
    );
    for (const role of CLUSTER_ROLES) {
      write(`clusters/${name}/${role}.pem`, pki.certificates[role]);
      write(
        `clusters/${name}/${role}-key.pem.asc`,
        await encryptToRecipients(pki.privateKeys[role], publicKeys, now),
      );
    }
    clusters.push({
      name,
      ca: readCertificate(new TextEncoder().encode(pki.certificates.ca)),
      caKey: pki.privateKeys.ca,
    });
  }

  log(`making ${size.admins} CSRs with openssl, signing them with gpg, issuing certificates`);
  const keyDir = join(root, "csr-keys");
  mkdirSync(keyDir, { recursive: true });
  await parallel(logins, cpus().length, async (login, index) => {
    const cluster = clusters[index % size.clusters]!;
    const csrPath = join(dir, `clusters/${cluster.name}/admins/${login}.csr`);
    mkdirSync(dirname(csrPath), { recursive: true });
    await run("openssl", [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      join(keyDir, `${login}.key`),
      "-subj",
      `/CN=${login}/O=developers`,
      "-out",
      csrPath,
    ]);
    await gpgAsync(gnupgHome, [
      "--local-user",
      fingerprints.get(login)!,
      "--armor",
      "--detach-sign",
      "--output",
      `${csrPath}.asc`,
      csrPath,
    ]);
  });
  rmSync(keyDir, { recursive: true, force: true }); // the admins' private keys are not needed
  for (const [index, login] of logins.entries()) {
    const cluster = clusters[index % size.clusters]!;
    const csr = readCsr(readFileSync(join(dir, `clusters/${cluster.name}/admins/${login}.csr`)));
    if (!csr.ok || !cluster.ca.ok) throw new Error("bench fixture");
    const issued = await issueClientCertificate({
      csr: csr.facts,
      login,
      groups: ["developers"],
      ca: cluster.ca.certificate,
      caKey: await importSigningKey(cluster.caKey),
      days: 90,
      now,
    });
    write(`clusters/${cluster.name}/admins/${login}.pem`, issued.pem);
  }
  // A real repository is a git repository: commit it, so `kaws verify` reads it as it would a checkout.
  const git = ["-C", dir, "-c", "user.name=bench", "-c", "user.email=bench@bench.invalid"];
  for (const args of [
    ["init", "-q"],
    ["add", "-A"],
    ["commit", "-q", "-m", "synthetic repository"],
  ])
    await run("git", [...git, ...args]);
  writeFileSync(stampFile, stamp);
  return { dir, gnupgHome };
}

function keyParameters(login: string, rsa: boolean): string {
  const primary = rsa ? "Key-Type: RSA\nKey-Length: 3072\n" : "Key-Type: EDDSA\nKey-Curve: ed25519\n";
  const sub = rsa ? "Subkey-Type: RSA\nSubkey-Length: 3072\n" : "Subkey-Type: ECDH\nSubkey-Curve: cv25519\n";
  return `%no-protection\n${primary}Key-Usage: sign\n${sub}Subkey-Usage: encrypt\nName-Real: ${login}\nName-Email: ${login}@bench.invalid\nExpire-Date: 0\n%commit\n`;
}

function run(command: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [input === undefined ? "ignore" : "pipe", "ignore", "pipe"],
    });
    child.stdin?.end(input);
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")}: ${stderr}`)),
    );
  });
}

function gpgAsync(home: string, args: string[], input?: string): Promise<void> {
  return run(
    "gpg",
    ["--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", ...args],
    input,
  );
}

export async function parallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/** Run gpg in a bench home (no passphrases: the bench's keys protect nothing) and return its stdout. */
export function gpgIn(home: string) {
  return (args: string[], input?: string | Uint8Array): Buffer => {
    const base = ["--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", ""];
    const result = spawnSync("gpg", [...base, ...args], { input, maxBuffer: 1 << 26 });
    if (result.status !== 0) throw new Error(`gpg ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
}
