import type * as openpgp from "openpgp";
import type { KawsConfig } from "../config/kaws-config.js";
import { decryptMessage } from "../openpgp/decrypt-message.js";
import { issueClientCertificate, type IssuedCertificate } from "../pki/issue-client-certificate.js";
import { readCertificate } from "../pki/read-certificate.js";
import { readCsr } from "../pki/read-csr.js";
import { importSigningKey } from "../pki/signing-key.js";
import type { Finding } from "../findings.js";
import { clusterFile } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";
import { sha256Hex } from "../hash.js";
import type { UnsignedCsr } from "./find-unsigned-csrs.js";

/** Proof that a CSR's exact blob was approved in a merged pull request. */
export interface CsrApproval {
  readonly pullNumber: number;
  readonly approvers: readonly string[];
}

export interface CertificateToWrite {
  readonly path: string;
  readonly content: string;
  readonly cluster: string;
  readonly login: string;
  readonly issued: IssuedCertificate;
  readonly csrSha256: string;
  readonly approval: CsrApproval;
}

export interface RefusedCsr {
  readonly csr: UnsignedCsr;
  readonly reason: string;
}

/**
 * Issue a certificate for each approved CSR that is still valid on the branch (no error finding on
 * its files), decrypting each cluster's CA key once with the bot's key. The decrypted keys live in
 * memory for this call only. CSRs not approved, or no longer valid, are refused with a reason.
 */
export async function planCertificates(input: {
  tree: RepoTree;
  csrs: readonly UnsignedCsr[];
  approvals: ReadonlyMap<string, CsrApproval>;
  findings: readonly Finding[];
  config: KawsConfig;
  botKey: openpgp.PrivateKey;
  now: Date;
  random?: (length: number) => Uint8Array;
}): Promise<{ certificates: CertificateToWrite[]; refused: RefusedCsr[] }> {
  const certificates: CertificateToWrite[] = [];
  const refused: RefusedCsr[] = [];
  const caKeys = new Map<string, Awaited<ReturnType<typeof importSigningKey>> | Error>();
  for (const csr of input.csrs) {
    const approval = input.approvals.get(csr.path);
    if (approval === undefined) {
      refused.push({ csr, reason: "no merged pull request approved this exact CSR" });
      continue;
    }
    const problems = input.findings.filter(
      (f) => f.severity === "error" && (f.path === csr.path || f.path === `${csr.path}.asc`),
    );
    if (problems.length > 0) {
      refused.push({
        csr,
        reason: `it is not valid on the branch: ${problems.map((p) => p.rule).join(", ")}`,
      });
      continue;
    }
    const csrBytes = input.tree.get(csr.path)?.bytes;
    const caPem = input.tree.get(clusterFile.cert(csr.cluster, "ca"))?.bytes;
    const caKeyMessage = input.tree.get(clusterFile.key(csr.cluster, "ca"))?.bytes;
    if (!csrBytes || !caPem || !caKeyMessage) {
      refused.push({
        csr,
        reason: `cluster ${csr.cluster} has no CA (ca.pem and ca-key.pem.asc) to sign with`,
      });
      continue;
    }
    if (!caKeys.has(csr.cluster)) {
      try {
        caKeys.set(csr.cluster, await importSigningKey(await decryptMessage(caKeyMessage, input.botKey)));
      } catch (cause) {
        caKeys.set(csr.cluster, cause instanceof Error ? cause : new Error(String(cause)));
      }
    }
    const caKey = caKeys.get(csr.cluster)!;
    const facts = readCsr(csrBytes);
    const ca = readCertificate(caPem);
    if (caKey instanceof Error || !facts.ok || !ca.ok) {
      const why =
        caKey instanceof Error
          ? `the bot cannot open ${clusterFile.key(csr.cluster, "ca")} (is it encrypted to .github/kaws-bot.asc?)`
          : "the CSR or ca.pem does not parse";
      refused.push({ csr, reason: why });
      continue;
    }
    const issued = await issueClientCertificate({
      csr: facts.facts,
      login: csr.login,
      groups: facts.facts.organizations,
      ca: ca.certificate,
      caKey,
      days: input.config.admin_cert_days,
      now: input.now,
      random: input.random,
    });
    certificates.push({
      path: clusterFile.adminCert(csr.cluster, csr.login),
      content: issued.pem,
      cluster: csr.cluster,
      login: csr.login,
      issued,
      csrSha256: sha256Hex(csrBytes),
      approval,
    });
  }
  return { certificates, refused };
}
