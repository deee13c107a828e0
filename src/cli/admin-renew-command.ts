import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { readCertificate, type Certificate } from "../core/pki/read-certificate.js";
import { clusterFile } from "../core/tree/classify-path.js";
import { adminKeyPath, renewalKeyPath } from "./admin-paths.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { pathExists, requestNextSteps, requireCluster, writeSignedRequest } from "./write-signed-request.js";

export interface AdminRenewOptions {
  readonly repo: string;
  readonly cluster: string;
  readonly login: string;
  /** Groups of the new CSR; default: the current certificate's. */
  readonly groups?: string[];
  readonly gpgKey?: string;
  readonly keyDir?: string;
}

/**
 * `kaws admin renew`: for someone who holds a certificate, a new private key (beside the current
 * one, under another name: the current key keeps working until the new certificate is installed),
 * a new CSR and its signature made by the user's own gpg, and the current `admins/L.pem` removed
 * from the working tree. Committed together, that is a request (their own files), approved like
 * one; the bot issues the new certificate at merge.
 */
export async function adminRenewCommand(options: AdminRenewOptions, out: Output): Promise<number> {
  const { repo, cluster, login } = options;
  await requireCluster(repo, cluster);
  const pemPath = clusterFile.adminCert(cluster, login);
  const keyPath = adminKeyPath(repo, cluster, login, options.keyDir);
  const nextKeyPath = renewalKeyPath(keyPath);
  if (await pathExists(nextKeyPath))
    throw new CliError(
      `${nextKeyPath} already exists: a renewal is under way. Once its certificate is issued, \`kaws admin install\` puts it to use; to start again, move that key away`,
    );
  const current = await readCurrentCertificate(repo, pemPath, options);
  const groups = options.groups ?? current.subject.organizations;
  const written = await writeSignedRequest({ ...options, groups, keyPath: nextKeyPath });
  await rm(join(repo, pemPath));

  const expires = current.notAfter.toISOString().slice(0, 10);
  const keptKey = (await pathExists(keyPath))
    ? `your current key ${keyPath} stays, for the current certificate, until \`kaws admin install\` installs the new one`
    : `(no current key at ${keyPath}: nothing to keep)`;
  const lines = [
    `renewing ${pemPath} (serial ${current.serialNumber.toLowerCase()}, expires ${expires})`,
    `new private key: ${nextKeyPath} (mode 0600; it never leaves this machine) — ${keptKey}`,
    ...written,
    `removed ${pemPath} (deleting a certificate revokes nothing: it stays valid until ${expires})`,
    ...(await requestNextSteps(options, [
      clusterFile.csr(cluster, login),
      clusterFile.csrSignature(cluster, login),
      pemPath,
    ])),
    "  commit, push, and open a pull request: a request, which a maintainer approves; the bot issues the new certificate when it merges",
    `  then, after a pull: npx kaws admin install --cluster ${cluster} --login ${login}${options.keyDir ? ` --key-dir ${options.keyDir}` : ""}   # switches to the new key`,
  ];
  out.write(`${lines.join("\n")}\n`);
  return 0;
}

/** The certificate to renew, from the working tree: it must be there and parse. */
async function readCurrentCertificate(
  repo: string,
  pemPath: string,
  options: { cluster: string; login: string },
): Promise<Certificate> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(repo, pemPath));
  } catch {
    throw new CliError(
      `there is no certificate to renew: ${pemPath} is missing (pull first; for a first certificate, run \`kaws admin request --cluster ${options.cluster} --login ${options.login}\`)`,
    );
  }
  const read = readCertificate(bytes);
  if (!read.ok) throw new CliError(`${pemPath}: ${read.detail}; run \`kaws verify\``);
  return read.certificate;
}
