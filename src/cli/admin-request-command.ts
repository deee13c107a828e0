import { access, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { parseKawsConfig } from "../core/config/kaws-config.js";
import { createAdminCsr } from "../core/pki/create-csr.js";
import { CONFIG_PATH, clusterFile, pubkeyPath } from "../core/tree/classify-path.js";
import { adminKeyPath } from "./admin-paths.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { runUserGpg } from "./user-gpg.js";
import { writeFileAtomically } from "./write-file-safely.js";

export interface AdminRequestOptions {
  readonly repo: string;
  readonly cluster: string;
  readonly login: string;
  readonly groups: string[];
  readonly gpgKey?: string;
  readonly keyDir?: string;
}

/**
 * `kaws admin request`: a new private key (outside the repository, mode 0600), its CSR in
 * `clusters/C/admins/L.csr`, and a detached signature made by the user's own gpg. Nothing is
 * written unless everything succeeded; an existing key is never overwritten.
 */
export async function adminRequestCommand(options: AdminRequestOptions, out: Output): Promise<number> {
  const { repo, cluster, login } = options;
  if (!(await exists(join(repo, clusterFile.spec(cluster))))) {
    throw new CliError(
      `there is no cluster "${cluster}" in ${repo} (${clusterFile.spec(cluster)} is missing)`,
    );
  }
  const keyPath = adminKeyPath(repo, cluster, login, options.keyDir);
  if (await exists(keyPath)) {
    throw new CliError(
      `${keyPath} already exists: kaws never overwrites a private key (move it away, or pass --key-dir)`,
    );
  }
  const notes: string[] = [];
  const config = await readConfig(repo);
  const notAllowed = options.groups.filter((g) => config !== null && !config.allowed_groups.includes(g));
  if (notAllowed.length > 0)
    notes.push(
      `warning: ${notAllowed.join(", ")} not in allowed_groups of ${CONFIG_PATH}: the request will fail its check`,
    );

  const { csrPem, privateKeyPem } = await createAdminCsr(login, options.groups);
  const csrBytes = new TextEncoder().encode(csrPem);
  const localUser = options.gpgKey ? ["--local-user", options.gpgKey] : [];
  const signature = await runUserGpg([...localUser, "--armor", "--detach-sign", "--output", "-"], csrBytes);

  await writeFileAtomically(keyPath, privateKeyPem, 0o600);
  await writeFileAtomically(join(repo, clusterFile.csr(cluster, login)), csrBytes);
  await writeFileAtomically(join(repo, clusterFile.csrSignature(cluster, login)), signature);

  const lines = [
    `private key: ${keyPath} (mode 0600; it never leaves this machine)`,
    `wrote ${clusterFile.csr(cluster, login)} (CN=${login}${options.groups.map((g) => `, O=${g}`).join("")})`,
    `wrote ${clusterFile.csrSignature(cluster, login)} (signed with your gpg${options.gpgKey ? ` key ${options.gpgKey}` : ""})`,
    ...notes,
    "",
    "next:",
  ];
  if (!(await exists(join(repo, pubkeyPath(login))))) {
    lines.push(
      `  gpg --armor --export ${options.gpgKey ?? "<your key's fingerprint>"} > ${pubkeyPath(login)}   # your public key, also registered on GitHub`,
    );
  }
  const relativeRepo = relative(process.cwd(), resolve(repo)) || ".";
  lines.push(
    `  git -C ${relativeRepo} add ${pubkeyPath(login)} clusters/${cluster}/admins/${login}.csr clusters/${cluster}/admins/${login}.csr.asc`,
  );
  lines.push(
    "  commit, push, and open a pull request; a maintainer approves it, and the bot issues your certificate when it merges",
  );
  lines.push(`  then: npx kaws admin install --cluster ${cluster} --login ${login}`);
  out.write(`${lines.join("\n")}\n`);
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readConfig(repo: string) {
  try {
    return parseKawsConfig(new Uint8Array(await readFile(join(repo, CONFIG_PATH))));
  } catch {
    return null;
  }
}
