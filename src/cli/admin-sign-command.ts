import { join } from "node:path";
import { verifyTree } from "../core/policy/verify-tree.js";
import { issueClientCertificate } from "../core/pki/issue-client-certificate.js";
import { readCertificate } from "../core/pki/read-certificate.js";
import { readCsr } from "../core/pki/read-csr.js";
import { importSigningKey } from "../core/pki/signing-key.js";
import { clusterFile } from "../core/tree/classify-path.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { readWorkingTree } from "./read-working-tree.js";
import { runUserGpg } from "./user-gpg.js";
import { writeFileAtomically } from "./write-file-safely.js";

/**
 * `kaws admin sign`: break-glass signing by an operator, with their own gpg opening the CA key
 * (`gpg --decrypt`, in memory only), the same checks and the same certificate profile as the bot.
 */
export async function adminSignCommand(
  options: { repo: string; cluster: string; login: string; now: Date },
  out: Output,
): Promise<number> {
  const { repo, cluster, login, now } = options;
  const tree = await readWorkingTree(repo);
  const csrPath = clusterFile.csr(cluster, login);
  const csrBytes = tree.get(csrPath)?.bytes;
  const caPem = tree.get(clusterFile.cert(cluster, "ca"))?.bytes;
  const caKey = tree.get(clusterFile.key(cluster, "ca"))?.bytes;
  if (!csrBytes) throw new CliError(`${csrPath} does not exist: run \`kaws admin request\` first`);
  if (!caPem || !caKey)
    throw new CliError(
      `cluster ${cluster} has no CA (${clusterFile.cert(cluster, "ca")} and ${clusterFile.key(cluster, "ca")})`,
    );
  const { findings, config } = await verifyTree(tree, { now });
  const blocking = findings.filter(
    (f) => f.severity === "error" && (f.path === csrPath || f.path === `${csrPath}.asc`),
  );
  if (blocking.length > 0) {
    throw new CliError(
      `refusing to sign ${csrPath}:\n${blocking.map((f) => `  ${f.path} [${f.rule}] ${f.message}`).join("\n")}`,
      1,
    );
  }
  const facts = readCsr(csrBytes);
  const ca = readCertificate(caPem);
  if (!facts.ok || !ca.ok) throw new CliError(`${csrPath} or ca.pem does not parse`, 1);
  const signingKey = await importSigningKey(await runUserGpg(["--decrypt"], caKey));
  const issued = await issueClientCertificate({
    csr: facts.facts,
    login,
    groups: facts.facts.organizations,
    ca: ca.certificate,
    caKey: signingKey,
    days: config.admin_cert_days,
    now,
  });
  await writeFileAtomically(join(repo, clusterFile.adminCert(cluster, login)), issued.pem);
  out.write(
    `wrote ${clusterFile.adminCert(cluster, login)}: serial ${issued.serial}, SHA-256 ${issued.fingerprintSha256}, valid until ${issued.notAfter.toISOString().slice(0, 10)}\n` +
      (issued.cappedAtCa
        ? `it ends with the cluster's CA, sooner than admin_cert_days: rotate the cluster (kaws cluster rotate ${cluster}), then renew.\n`
        : "") +
      "commit it with a message saying why the bot was bypassed.\n",
  );
  return 0;
}
