import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as openpgp from "openpgp";
import { parseClusterSpec } from "../../src/core/config/cluster-spec.js";
import { encryptToRecipients } from "../../src/core/openpgp/encrypt-to-recipients.js";
import { generateClusterPki, type ClusterPki } from "../../src/core/pki/generate-cluster-pki.js";
import {
  issueClientCertificate,
  type IssuedCertificate,
} from "../../src/core/pki/issue-client-certificate.js";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { readCsr } from "../../src/core/pki/read-csr.js";
import { importSigningKey } from "../../src/core/pki/signing-key.js";
import { CLUSTER_ROLES } from "../../src/core/tree/classify-path.js";
import { treeFromFiles, type RepoTree } from "../../src/core/tree/repo-tree.js";
import type { GpgHome } from "./gpg.js";
import type { Identities } from "./identities.js";
import { makeCsr, type CsrKey } from "./openssl.js";
import { run } from "./run.js";

export type Files = Record<string, string | Uint8Array>;

export const CONFIG_YML = `maintainers: [carol, dave]
approvals: 1
group_approvals: {"system:masters": 2}
allowed_groups: ["system:masters", developers]
admin_cert_days: 90
`;

export const CLUSTER_YML = `region: us-east-1
api_domain: k8s.example.com
vpc_id: vpc-0abc1234
subnet_ids: [subnet-0abc1234]
ami: ami-0abc1234
key_name: ops
admin_cidrs: [203.0.113.0/24]
bastion: {instance_type: t3.micro, count: 1}
masters: {instance_type: m5.large, count: 3}
nodes: {instance_type: m5.large, count: 3}
`;

export async function publicKeyOf(id: GpgHome): Promise<openpgp.PublicKey> {
  return openpgp.readKey({ armoredKey: id.exportPublic().toString() });
}

export interface BuiltRepo {
  readonly files: Files;
  readonly pki: ClusterPki;
  readonly now: Date;
  tree(): RepoTree;
  /** Add a signed CSR (and, unless `certificate: false`, its certificate, returned) for `login` on prod. */
  addAdmin(login: string, signer: GpgHome, options?: AdminOptions): Promise<IssuedCertificate | undefined>;
}

export interface AdminOptions {
  readonly groups?: string[];
  readonly key?: CsrKey;
  readonly armor?: boolean;
  readonly textmode?: boolean;
  readonly certificate?: boolean;
  /** When the certificate is issued (default: the repository's `now`). */
  readonly issuedAt?: Date;
}

/**
 * A correct repository as in DESIGN section 2, made with real gpg (keys, signatures) and openssl
 * (CSRs), the cluster PKI and certificates made by the core: alice (Curve25519) and bob (RSA-3072)
 * are admins of cluster "prod", each with a signed CSR and an issued certificate.
 */
export async function buildRepo(ids: Identities, now = new Date()): Promise<BuiltRepo> {
  const files: Files = {
    "pubkeys/README.md": "Administrators' public keys.\n",
    "pubkeys/alice.asc": ids.alice.exportPublic(),
    "pubkeys/bob.asc": ids.bob.exportPublic(),
    ".github/kaws-bot.asc": ids.bot.exportPublic(),
    ".github/kaws.yml": CONFIG_YML,
    "clusters/prod/cluster.yml": CLUSTER_YML,
  };
  const spec = parseClusterSpec(new TextEncoder().encode(CLUSTER_YML), "clusters/prod/cluster.yml");
  const pki = await generateClusterPki("prod", spec, now);
  const recipients = await Promise.all([ids.alice, ids.bob, ids.bot].map(publicKeyOf));
  for (const role of CLUSTER_ROLES) {
    files[`clusters/prod/${role}.pem`] = pki.certificates[role];
    files[`clusters/prod/${role}-key.pem.asc`] = await encryptToRecipients(
      pki.privateKeys[role],
      recipients,
      now,
    );
  }
  const caKey = await importSigningKey(pki.privateKeys.ca);
  const ca = readCertificate(new TextEncoder().encode(pki.certificates.ca));
  if (!ca.ok) throw new Error(ca.detail);

  const built: BuiltRepo = {
    files,
    pki,
    now,
    tree: () => treeFromFiles(files),
    async addAdmin(login, signer, options = {}) {
      const groups = options.groups ?? ["developers"];
      const subject = `/CN=${login}${groups.map((g) => `/O=${g}`).join("")}`;
      const { csr } = makeCsr(subject, options.key ?? "ec-p256");
      files[`clusters/prod/admins/${login}.csr`] = csr;
      files[`clusters/prod/admins/${login}.csr.asc`] = signer.detachSign(csr, {
        armor: options.armor,
        textmode: options.textmode,
      });
      if (options.certificate === false) return undefined;
      const facts = readCsr(csr);
      if (!facts.ok) throw new Error(facts.detail);
      const issued = await issueClientCertificate({
        csr: facts.facts,
        login,
        groups,
        ca: ca.certificate,
        caKey,
        days: 90,
        now: options.issuedAt ?? now,
      });
      files[`clusters/prod/admins/${login}.pem`] = issued.pem;
      return issued;
    },
  };
  await built.addAdmin("alice", ids.alice, { groups: ["developers"] });
  await built.addAdmin("bob", ids.bob, { groups: ["system:masters"], key: "rsa2048", armor: false });
  return built;
}

/** Write files into a fresh git repository and commit them; returns the commit id. */
export function commitFiles(dir: string, files: Files, message = "commit", remove: string[] = []): string {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) =>
    run("git", ["-C", dir, "-c", "user.name=test", "-c", "user.email=test@example.test", ...args])
      .toString()
      .trim();
  try {
    git("rev-parse", "--git-dir");
  } catch {
    git("init", "-q", "-b", "main");
  }
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  for (const path of remove) git("rm", "-q", "--", path);
  git("add", "-A");
  git("commit", "-q", "--allow-empty", "-m", message);
  return git("rev-parse", "HEAD");
}
