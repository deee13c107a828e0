import { access, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { parseKawsConfig } from "../core/config/kaws-config.js";
import { createAdminCsr } from "../core/pki/create-csr.js";
import { CONFIG_PATH, clusterFile, pubkeyPath } from "../core/tree/classify-path.js";
import { CliError } from "./cli-error.js";
import { runUserGpg } from "./user-gpg.js";
import { writeFileAtomically } from "./write-file-safely.js";

export interface SignedRequestInput {
  readonly repo: string;
  readonly cluster: string;
  readonly login: string;
  readonly groups: readonly string[];
  readonly gpgKey?: string;
  /** Where the new private key goes: outside the repository, never over an existing file. */
  readonly keyPath: string;
}

/**
 * The files of an access request (`kaws admin request` and `kaws admin renew`): a new private key
 * (mode 0600, outside the repository), its CSR in `clusters/C/admins/L.csr`, and a detached
 * signature made by the user's own gpg. Nothing is written unless gpg signed; an existing key is
 * never overwritten. Returns the lines that tell what was written.
 */
export async function writeSignedRequest(input: SignedRequestInput): Promise<string[]> {
  const { repo, cluster, login, groups, gpgKey, keyPath } = input;
  if (await pathExists(keyPath))
    throw new CliError(
      `${keyPath} already exists: kaws never overwrites a private key (move it away, or pass --key-dir)`,
    );
  const config = await readConfig(repo);
  const notAllowed = groups.filter((g) => config !== null && !config.allowed_groups.includes(g));

  const { csrPem, privateKeyPem } = await createAdminCsr(login, groups);
  const csrBytes = new TextEncoder().encode(csrPem);
  const localUser = gpgKey ? ["--local-user", gpgKey] : [];
  const signature = await runUserGpg([...localUser, "--armor", "--detach-sign", "--output", "-"], csrBytes);

  await writeFileAtomically(keyPath, privateKeyPem, 0o600);
  await writeFileAtomically(join(repo, clusterFile.csr(cluster, login)), csrBytes);
  await writeFileAtomically(join(repo, clusterFile.csrSignature(cluster, login)), signature);
  const lines = [
    `wrote ${clusterFile.csr(cluster, login)} (CN=${login}${groups.map((g) => `, O=${g}`).join("")})`,
    `wrote ${clusterFile.csrSignature(cluster, login)} (signed with your gpg${gpgKey ? ` key ${gpgKey}` : ""})`,
  ];
  if (notAllowed.length > 0)
    lines.push(
      `warning: ${notAllowed.join(", ")} not in allowed_groups of ${CONFIG_PATH}: the request will fail its check`,
    );
  return lines;
}

/** "next:" — add the public key when it is not in the repository yet, then git add these files. */
export async function requestNextSteps(
  input: Omit<SignedRequestInput, "keyPath" | "groups">,
  files: readonly string[],
): Promise<string[]> {
  const { repo, login, gpgKey } = input;
  const lines = ["", "next:"];
  if (!(await pathExists(join(repo, pubkeyPath(login))))) {
    lines.push(
      `  gpg --armor --export ${gpgKey ?? "<your key's fingerprint>"} > ${pubkeyPath(login)}   # your public key, also registered on GitHub`,
    );
  }
  const relativeRepo = relative(process.cwd(), resolve(repo)) || ".";
  lines.push(`  git -C ${relativeRepo} add ${files.join(" ")}`);
  return lines;
}

/** The cluster must exist in the repository: its cluster.yml. */
export async function requireCluster(repo: string, cluster: string): Promise<void> {
  if (!(await pathExists(join(repo, clusterFile.spec(cluster)))))
    throw new CliError(
      `there is no cluster "${cluster}" in ${repo} (${clusterFile.spec(cluster)} is missing)`,
    );
}

export async function pathExists(path: string): Promise<boolean> {
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
