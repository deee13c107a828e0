import * as openpgp from "openpgp";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../src/core/findings.js";
import { issueClientCertificate } from "../../src/core/pki/issue-client-certificate.js";
import { generateClusterPki } from "../../src/core/pki/generate-cluster-pki.js";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { readCsr } from "../../src/core/pki/read-csr.js";
import { importSigningKey } from "../../src/core/pki/signing-key.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { GIT_MODE, type RepoTree } from "../../src/core/tree/repo-tree.js";
import { buildRepo, CLUSTER_YML, type BuiltRepo } from "../helpers/build-repo.js";
import { identities, type Identities } from "../helpers/identities.js";
import { flipByte, withEntry, withFiles } from "../helpers/mutate.js";
import { makeCsr, opensslSelfSignedCa, opensslSignCsr } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";

let ids: Identities;
let repo: BuiltRepo;
const DAY = 24 * 60 * 60 * 1000;
const ALICE_CSR = "clusters/prod/admins/alice.csr";
const ALICE_SIG = "clusters/prod/admins/alice.csr.asc";
const ALICE_PEM = "clusters/prod/admins/alice.pem";
const BOT_KEY = ".github/kaws-bot.asc";

beforeAll(async () => {
  ids = identities();
  repo = await buildRepo(ids);
});

async function issueFor(
  csr: Uint8Array,
  login: string,
  groups: string[],
  days = 90,
  caPem = repo.pki.certificates.ca,
  caKey = repo.pki.privateKeys.ca,
) {
  const facts = readCsr(csr);
  const ca = readCertificate(new TextEncoder().encode(caPem));
  if (!facts.ok || !ca.ok) throw new Error("fixture");
  return (
    await issueClientCertificate({
      csr: facts.facts,
      login,
      groups,
      ca: ca.certificate,
      caKey: await importSigningKey(caKey),
      days,
      now: repo.now,
    })
  ).pem;
}

type Case = {
  name: string;
  rule: string;
  path: string;
  severity?: "error" | "warning";
  /** What the finding's sentence must say, when the case names it. */
  message?: string;
  tree: () => Promise<RepoTree> | RepoTree;
  now?: () => Date;
};

const f = () => repo.files;
const cases: Case[] = [
  // Files themselves
  {
    name: "a non-UTF-8 file name",
    rule: "tree.file-name",
    path: "pubkeys/\uFFFD.asc",
    tree: () =>
      withEntry(repo.tree(), {
        path: "pubkeys/\uFFFD.asc",
        mode: GIT_MODE.file,
        size: 3,
        bytes: new Uint8Array([1, 2, 3]),
        badPathEncoding: true,
      }),
  },
  {
    name: "a symlink",
    rule: "tree.file-mode",
    path: "clusters/prod/admins/carol.pem",
    tree: () =>
      withEntry(repo.tree(), {
        path: "clusters/prod/admins/carol.pem",
        mode: GIT_MODE.symlink,
        size: 10,
        bytes: new TextEncoder().encode("../ca.pem"),
      }),
  },
  {
    name: "an executable",
    rule: "tree.file-mode",
    path: "pubkeys/carol.asc",
    tree: () =>
      withEntry(repo.tree(), {
        path: "pubkeys/carol.asc",
        mode: GIT_MODE.executable,
        size: 1,
        bytes: new Uint8Array([0x41]),
      }),
  },
  {
    name: "a file over 64 KiB",
    rule: "tree.file-size",
    path: "pubkeys/carol.asc",
    tree: () => withFiles(f(), { "pubkeys/carol.asc": "A".repeat(65 * 1024) }),
  },
  {
    name: "an unknown file in a cluster",
    rule: "tree.unexpected-file",
    path: "clusters/prod/notes.txt",
    tree: () => withFiles(f(), { "clusters/prod/notes.txt": "hi" }),
  },
  {
    name: "an upper-case login",
    rule: "tree.unexpected-file",
    path: "pubkeys/Alice.asc",
    tree: () => withFiles(f(), { "pubkeys/Alice.asc": f()["pubkeys/alice.asc"]! }),
  },
  {
    name: "a clear private key anywhere",
    rule: "secret.private-key",
    path: "docs/notes.md",
    tree: () => withFiles(f(), { "docs/notes.md": `oops\n${makeCsr("/CN=x").key}` }),
  },
  // Config
  {
    name: "an unknown config key",
    rule: "config.invalid",
    path: ".github/kaws.yml",
    tree: () => withFiles(f(), { ".github/kaws.yml": "maintainers: [carol]\napprovers: 2\n" }),
  },
  {
    name: "a config with no maintainers",
    rule: "config.no-maintainers",
    severity: "warning",
    path: ".github/kaws.yml",
    tree: () => withFiles(f(), { ".github/kaws.yml": "allowed_groups: [developers, 'system:masters']\n" }),
  },
  {
    name: "no config",
    rule: "config.missing",
    severity: "warning",
    path: ".github/kaws.yml",
    tree: () => withFiles(f(), {}, [".github/kaws.yml"]),
  },
  {
    name: "group_approvals for a group not allowed",
    rule: "config.group-approvals",
    severity: "warning",
    path: ".github/kaws.yml",
    tree: () =>
      withFiles(f(), {
        ".github/kaws.yml":
          "maintainers: [carol]\nallowed_groups: [developers, 'system:masters']\ngroup_approvals: {ops: 2}\n",
      }),
  },
  // Public keys
  {
    name: "a secret key in pubkeys/",
    rule: "pubkey.secret-material",
    path: "pubkeys/alice.asc",
    tree: () => withFiles(f(), { "pubkeys/alice.asc": ids.alice.exportSecret() }),
  },
  {
    name: "two keys in one file",
    rule: "pubkey.multiple-keys",
    path: "pubkeys/alice.asc",
    tree: () =>
      withFiles(f(), {
        "pubkeys/alice.asc": Buffer.concat([ids.alice.exportPublic(false), ids.carol.exportPublic(false)]),
      }),
  },
  {
    name: "garbage in a key file",
    rule: "pubkey.unreadable",
    path: "pubkeys/carol.asc",
    tree: () => withFiles(f(), { "pubkeys/carol.asc": "not a key\n" }),
  },
  {
    name: "a revoked key",
    rule: "pubkey.revoked",
    path: "pubkeys/revoked.asc",
    tree: () => withFiles(f(), { "pubkeys/revoked.asc": ids.revoked.exportPublic() }),
  },
  {
    name: "an expired key",
    rule: "pubkey.expired",
    path: "pubkeys/expired.asc",
    tree: () => withFiles(f(), { "pubkeys/expired.asc": ids.expired.exportPublic() }),
  },
  {
    name: "a key without an encryption subkey",
    rule: "pubkey.no-encryption-key",
    path: "pubkeys/signonly.asc",
    tree: () => withFiles(f(), { "pubkeys/signonly.asc": ids.signonly.exportPublic() }),
  },
  {
    name: "an RSA-2048 key",
    rule: "pubkey.weak-algorithm",
    path: "pubkeys/weak.asc",
    tree: () => withFiles(f(), { "pubkeys/weak.asc": ids.weak.exportPublic() }),
  },
  {
    name: "a DSA/ElGamal key",
    rule: "pubkey.weak-algorithm",
    path: "pubkeys/dsa.asc",
    tree: () => withFiles(f(), { "pubkeys/dsa.asc": ids.dsa.exportPublic() }),
  },
  {
    name: "a key whose user ID was altered after signing",
    rule: "pubkey.invalid",
    path: "pubkeys/carol.asc",
    tree: () => withFiles(f(), { "pubkeys/carol.asc": tamperedUserId(ids.carol, "carol") }),
  },
  {
    name: "a key that cannot sign",
    rule: "pubkey.no-signing-key",
    path: "pubkeys/dsa.asc",
    tree: () => withFiles(f(), { "pubkeys/dsa.asc": ids.dsa.exportPublic() }),
  },
  {
    name: "the same key under two logins",
    rule: "pubkey.duplicate-fingerprint",
    path: "pubkeys/alice2.asc",
    tree: () => withFiles(f(), { "pubkeys/alice2.asc": f()["pubkeys/alice.asc"]! }),
  },
  {
    name: "a binary key",
    rule: "pubkey.not-armored",
    severity: "warning",
    path: "pubkeys/alice.asc",
    tree: () => withFiles(f(), { "pubkeys/alice.asc": ids.alice.exportPublic(false) }),
  },
  {
    name: "no bot key while clusters have keys",
    rule: "bot-key.missing",
    path: ".github/kaws-bot.asc",
    tree: () => withFiles(f(), {}, [".github/kaws-bot.asc"]),
  },
  {
    name: "a bot key that is a secret key",
    rule: "bot-key.secret-material",
    path: ".github/kaws-bot.asc",
    tree: () => withFiles(f(), { ".github/kaws-bot.asc": ids.bot.exportSecret() }),
  },
  ...botKeyCases(),
  // Encrypted key files
  {
    name: "garbage in an encrypted key file",
    rule: "key-file.unreadable",
    path: "clusters/prod/ca-key.pem.asc",
    tree: () => withFiles(f(), { "clusters/prod/ca-key.pem.asc": "garbage" }),
  },
  {
    name: "a key file encrypted to one admin too many",
    rule: "key-file.recipients",
    path: "clusters/prod/master-key.pem.asc",
    tree: () =>
      withFiles(f(), { "clusters/prod/master-key.pem.asc": gpgEncrypt(["alice", "bob", "bot", "mallory"]) }),
  },
  {
    name: "a key file missing an admin",
    rule: "key-file.recipients",
    path: "clusters/prod/node-key.pem.asc",
    tree: () => withFiles(f(), { "clusters/prod/node-key.pem.asc": gpgEncrypt(["alice", "bot"]) }),
  },
  {
    name: "a key file that a passphrase opens",
    rule: "key-file.password",
    path: "clusters/prod/node-key.pem.asc",
    tree: () =>
      withFiles(f(), {
        "clusters/prod/node-key.pem.asc": gpgEncrypt(
          ["alice", "bob", "bot"],
          ["--symmetric", "--passphrase", "pw"],
        ),
      }),
  },
  {
    name: "a key file with hidden recipients",
    rule: "key-file.hidden-recipient",
    path: "clusters/prod/node-key.pem.asc",
    tree: () =>
      withFiles(f(), {
        "clusters/prod/node-key.pem.asc": gpgEncrypt(["alice", "bob", "bot"], ["--throw-keyids"]),
      }),
  },
  // CSRs
  {
    name: "a signature without a CSR",
    rule: "csr.missing",
    path: "clusters/prod/admins/carol.csr.asc",
    tree: () => withFiles(f(), { "clusters/prod/admins/carol.csr.asc": f()[ALICE_SIG]! }),
  },
  {
    name: "a CSR that is not PEM",
    rule: "csr.unreadable",
    path: ALICE_CSR,
    tree: () => withFiles(f(), { [ALICE_CSR]: new Uint8Array([0x30, 0x82, 0x01]) }),
  },
  {
    name: "a CSR whose self-signature is broken",
    rule: "csr.self-signature",
    path: ALICE_CSR,
    tree: () => brokenSelfSignature(),
  },
  {
    name: "a CSR whose CN is someone else",
    rule: "csr.subject",
    path: ALICE_CSR,
    tree: () => signedCsr("alice", "/CN=bob/O=developers"),
  },
  {
    name: "a CSR with extra subject attributes",
    rule: "csr.subject.ignored",
    severity: "warning",
    path: ALICE_CSR,
    tree: () => signedCsr("alice", "/C=US/CN=alice/O=developers"),
  },
  {
    name: "a CSR asking for a group not allowed",
    rule: "csr.group.not-allowed",
    path: ALICE_CSR,
    tree: () => signedCsr("alice", "/CN=alice/O=hackers"),
  },
  {
    name: "a CSR asking for system:masters",
    rule: "csr.group.privileged",
    severity: "warning",
    path: "clusters/prod/admins/bob.csr",
    tree: () => repo.tree(),
  },
  {
    name: "a CSR with an RSA-1024 key",
    rule: "csr.weak-key",
    path: ALICE_CSR,
    tree: () => signedCsr("alice", "/CN=alice", "rsa1024"),
  },
  {
    name: "a CSR with requested extensions",
    rule: "csr.extensions.ignored",
    severity: "warning",
    path: ALICE_CSR,
    tree: () =>
      signedCsr("alice", "/CN=alice/O=developers", "ec-p256", ["-addext", "subjectAltName=DNS:evil.example"]),
  },
  {
    name: "a CSR asking to be a CA",
    rule: "csr.ca-requested",
    path: ALICE_CSR,
    tree: () =>
      signedCsr("alice", "/CN=alice/O=developers", "ec-p256", [
        "-addext",
        "basicConstraints=critical,CA:true",
      ]),
  },
  {
    name: "a CSR without signature",
    rule: "csr.signature.missing",
    path: ALICE_SIG,
    tree: () => withFiles(f(), {}, [ALICE_SIG]),
  },
  {
    name: "a CSR of a login without a key",
    rule: "csr.signature.no-key",
    path: "clusters/prod/admins/carol.csr.asc",
    tree: () => signedCsr("carol", "/CN=carol", "ec-p256", [], "carol"),
  },
  {
    name: "a CSR signed by an expired key",
    rule: "csr.signature.key-invalid",
    path: "clusters/prod/admins/expired.csr.asc",
    tree: () =>
      signedCsr(
        "expired",
        "/CN=expired",
        "ec-p256",
        [],
        "expired",
        ["--faked-system-time", "20200601T000000!"],
        { "pubkeys/expired.asc": ids.expired.exportPublic() },
      ),
  },
  {
    name: "a signature that is not OpenPGP",
    rule: "csr.signature.unreadable",
    path: ALICE_SIG,
    tree: () =>
      withFiles(f(), { [ALICE_SIG]: "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n" }),
  },
  {
    name: "a CSR signed by another admin",
    rule: "csr.signature.wrong-signer",
    path: ALICE_SIG,
    tree: () => withFiles(f(), { [ALICE_SIG]: ids.bob.detachSign(f()[ALICE_CSR] as Uint8Array) }),
  },
  {
    name: "a signature over other bytes",
    rule: "csr.signature.bad",
    path: ALICE_SIG,
    tree: () => withFiles(f(), { [ALICE_SIG]: ids.alice.detachSign(makeCsr("/CN=alice/O=developers").csr) }),
  },
  {
    name: "a CSR waiting for its certificate",
    rule: "csr.certificate.pending",
    severity: "warning",
    path: ALICE_CSR,
    tree: () => withFiles(f(), {}, [ALICE_PEM]),
  },
  // Admin certificates
  {
    name: "a certificate without CSR",
    rule: "admin-cert.orphan",
    path: ALICE_PEM,
    tree: () => withFiles(f(), {}, [ALICE_CSR, ALICE_SIG]),
  },
  {
    name: "a certificate that is not PEM",
    rule: "admin-cert.unreadable",
    path: ALICE_PEM,
    tree: () => withFiles(f(), { [ALICE_PEM]: "-----BEGIN CERTIFICATE-----\nAAA\n" }),
  },
  {
    name: "a certificate from a foreign CA",
    rule: "admin-cert.chain",
    path: ALICE_PEM,
    tree: () =>
      withFiles(f(), {
        [ALICE_PEM]: opensslSignCsr(
          f()[ALICE_CSR] as Uint8Array,
          opensslSelfSignedCa("/CN=kaws prod CA/O=kaws"),
          "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
        ),
      }),
  },
  {
    name: "a certificate for another key",
    rule: "admin-cert.key-mismatch",
    path: ALICE_PEM,
    tree: async () =>
      withFiles(f(), {
        [ALICE_PEM]: await issueFor(makeCsr("/CN=alice/O=developers").csr, "alice", ["developers"]),
      }),
  },
  {
    name: "a certificate valid longer than admin_cert_days",
    rule: "admin-cert.validity",
    path: ALICE_PEM,
    tree: async () =>
      withFiles(f(), {
        [ALICE_PEM]: await issueFor(f()[ALICE_CSR] as Uint8Array, "alice", ["developers"], 365),
      }),
  },
  {
    name: "a certificate with groups the CSR did not ask for",
    rule: "admin-cert.subject",
    path: ALICE_PEM,
    tree: async () =>
      withFiles(f(), {
        [ALICE_PEM]: await issueFor(f()[ALICE_CSR] as Uint8Array, "alice", ["system:masters"]),
      }),
  },
  {
    name: "a certificate outside the client profile",
    rule: "admin-cert.profile",
    path: ALICE_PEM,
    tree: () =>
      withFiles(f(), {
        [ALICE_PEM]: opensslSignCsr(
          f()[ALICE_CSR] as Uint8Array,
          { cert: repo.pki.certificates.ca, key: new TextDecoder().decode(repo.pki.privateKeys.ca) },
          "basicConstraints=critical,CA:true\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
        ),
      }),
  },
  {
    name: "an expired certificate",
    rule: "admin-cert.expired",
    severity: "warning",
    path: ALICE_PEM,
    tree: () => repo.tree(),
    now: () => new Date(repo.now.getTime() + 100 * DAY),
  },
  {
    name: "a certificate not valid yet",
    rule: "admin-cert.not-yet-valid",
    path: ALICE_PEM,
    tree: () => repo.tree(),
    now: () => new Date(repo.now.getTime() - DAY),
  },
  // Clusters
  {
    name: "a cluster without cluster.yml",
    rule: "cluster.spec.missing",
    path: "clusters/prod/cluster.yml",
    tree: () => withFiles(f(), {}, ["clusters/prod/cluster.yml"]),
  },
  {
    name: "a cluster.yml with a bad region",
    rule: "cluster.spec.invalid",
    path: "clusters/prod/cluster.yml",
    tree: () => withFiles(f(), { "clusters/prod/cluster.yml": CLUSTER_YML.replace("us-east-1", "mars-1") }),
  },
  {
    name: "a cluster without PKI",
    rule: "cluster.pki.missing",
    path: "clusters/dev/cluster.yml",
    tree: () => withFiles(f(), { "clusters/dev/cluster.yml": CLUSTER_YML }),
  },
  {
    name: "a cluster missing node.pem",
    rule: "cluster.pki.incomplete",
    path: "clusters/prod/node.pem",
    tree: () => withFiles(f(), {}, ["clusters/prod/node.pem"]),
  },
  {
    name: "an unreadable ca.pem",
    rule: "ca.unreadable",
    path: "clusters/prod/ca.pem",
    tree: () => withFiles(f(), { "clusters/prod/ca.pem": "garbage" }),
  },
  {
    name: "a ca.pem that is not a CA",
    rule: "ca.profile",
    path: "clusters/prod/ca.pem",
    tree: () => withFiles(f(), { "clusters/prod/ca.pem": f()["clusters/prod/node.pem"]! }),
  },
  {
    name: "an expired CA",
    rule: "ca.expired",
    path: "clusters/prod/ca.pem",
    tree: () => repo.tree(),
    now: () => new Date(repo.now.getTime() + 3651 * DAY),
  },
  {
    name: "a CA that expires within 30 days",
    rule: "ca.expires-soon",
    severity: "warning",
    path: "clusters/prod/ca.pem",
    tree: () => repo.tree(),
    now: () => new Date(repo.now.getTime() + 3640 * DAY),
  },
  {
    name: "master SANs that differ from cluster.yml",
    rule: "master-cert.sans",
    path: "clusters/prod/master.pem",
    tree: () =>
      withFiles(f(), {
        "clusters/prod/cluster.yml": CLUSTER_YML.replace("k8s.example.com", "api.example.org"),
      }),
  },
  {
    name: "a master certificate from another CA",
    rule: "master-cert.chain",
    path: "clusters/prod/master.pem",
    tree: async () => withFiles(f(), { "clusters/prod/master.pem": (await otherPki()).certificates.master }),
  },
  {
    name: "a node certificate without clientAuth",
    rule: "node-cert.profile",
    path: "clusters/prod/node.pem",
    tree: () => withFiles(f(), { "clusters/prod/node.pem": f()["clusters/prod/master.pem"]! }),
  },
  {
    name: "an unreadable master.pem",
    rule: "master-cert.unreadable",
    path: "clusters/prod/master.pem",
    tree: () => withFiles(f(), { "clusters/prod/master.pem": "" }),
  },
  {
    name: "an expired node certificate",
    rule: "node-cert.expired",
    path: "clusters/prod/node.pem",
    tree: () => repo.tree(),
    now: () => new Date(repo.now.getTime() + 731 * DAY),
  },
  {
    name: "a master certificate that expires soon",
    rule: "master-cert.expires-soon",
    severity: "warning",
    path: "clusters/prod/master.pem",
    tree: () => repo.tree(),
    now: () => new Date(repo.now.getTime() + 720 * DAY),
  },
  {
    name: "a node certificate that expires soon",
    rule: "node-cert.expires-soon",
    severity: "warning",
    path: "clusters/prod/node.pem",
    message: "node.pem expires on",
    tree: () => repo.tree(),
    now: () => new Date(repo.now.getTime() + 720 * DAY),
  },
  {
    name: "a master certificate without serverAuth",
    rule: "master-cert.profile",
    path: "clusters/prod/master.pem",
    message: "master.pem must have extendedKeyUsage serverAuth",
    tree: () => withFiles(f(), { "clusters/prod/master.pem": f()["clusters/prod/node.pem"]! }),
  },
  {
    name: "an expired master certificate",
    rule: "master-cert.expired",
    path: "clusters/prod/master.pem",
    message: "the certificate expired on",
    tree: () => repo.tree(),
    now: () => new Date(repo.now.getTime() + 731 * DAY),
  },
  {
    name: "an unreadable node.pem",
    rule: "node-cert.unreadable",
    path: "clusters/prod/node.pem",
    message: "restore it or rotate the cluster PKI",
    tree: () => withFiles(f(), { "clusters/prod/node.pem": "-----BEGIN CERTIFICATE-----\nAAA\n" }),
  },
  {
    name: "a node certificate from another CA",
    rule: "node-cert.chain",
    path: "clusters/prod/node.pem",
    message: "node.pem is not signed by this cluster's ca.pem",
    tree: async () => withFiles(f(), { "clusters/prod/node.pem": (await otherPki()).certificates.node }),
  },
];

/** The bot's key judged by the admin keys' rules, each under its own bot-key id. */
function botKeyCases(): Case[] {
  const bot = (name: string, rule: string, message: string, key: () => Uint8Array | string): Case => ({
    name,
    rule,
    path: BOT_KEY,
    message,
    tree: () => withFiles(f(), { [BOT_KEY]: key() }),
  });
  return [
    bot("a bot key file with two keys", "bot-key.multiple-keys", "exactly one key", () =>
      Buffer.concat([ids.bot.exportPublic(false), ids.carol.exportPublic(false)]),
    ),
    bot("a bot key file that is no key", "bot-key.unreadable", "exactly one key", () => "garbage"),
    bot("an expired bot key", "bot-key.expired", "the key has expired", () => ids.expired.exportPublic()),
    bot("a revoked bot key", "bot-key.revoked", "the key is revoked", () => ids.revoked.exportPublic()),
    bot("a bot key whose user ID was altered", "bot-key.invalid", "the key is not valid", () =>
      tamperedUserId(ids.bot, "bot"),
    ),
    bot("a bot key that cannot encrypt", "bot-key.no-encryption-key", "no usable encryption", () =>
      ids.signonly.exportPublic(),
    ),
    bot("a DSA bot key, which cannot sign", "bot-key.no-signing-key", "no usable signing key", () =>
      ids.dsa.exportPublic(),
    ),
    bot("a DSA/ElGamal bot key", "bot-key.weak-algorithm", "DSA", () => ids.dsa.exportPublic()),
    {
      ...bot("a binary bot key", "bot-key.not-armored", "commit the armored form", () =>
        ids.bot.exportPublic(false),
      ),
      severity: "warning",
    },
  ];
}

/** A binary key with one letter of its user ID changed: the self-signature no longer matches. */
function tamperedUserId(id: Identities[keyof Identities], name: string): Buffer {
  const key = Buffer.from(id.exportPublic(false));
  const at = key.indexOf(`${name}@example.test`);
  key[at] = "k".charCodeAt(0);
  return key;
}

function gpgEncrypt(names: (keyof Identities)[], extra: string[] = []): Buffer {
  const sender = ids.mallory;
  sender.importKeys(Buffer.concat(names.map((n) => ids[n].exportPublic())));
  const recipients = names.flatMap((n) => ["--recipient", ids[n].fingerprint]);
  return sender.gpg(
    ["--trust-model", "always", "--armor", ...recipients, ...extra, "--encrypt"],
    "key bytes",
  );
}

function signedCsr(
  login: string,
  subject: string,
  key: Parameters<typeof makeCsr>[1] = "ec-p256",
  args: string[] = [],
  signer: keyof Identities = "alice",
  signArgs: string[] = [],
  extra: Record<string, Uint8Array | string> = {},
): RepoTree {
  const { csr } = makeCsr(subject, key, args);
  const signature = ids[signer].gpg(
    ["--local-user", ids[signer].fingerprint, ...signArgs, "--armor", "--detach-sign", "--output", "-"],
    csr,
  );
  return withFiles(
    f(),
    {
      ...extra,
      [`clusters/prod/admins/${login}.csr`]: csr,
      [`clusters/prod/admins/${login}.csr.asc`]: signature,
    },
    [`clusters/prod/admins/${login}.pem`],
  );
}

function brokenSelfSignature(): RepoTree {
  const { csr } = makeCsr("/CN=alice/O=developers");
  const der = run("openssl", ["req", "-outform", "DER"], { input: csr });
  const broken = flipByte(der, der.length - 5);
  const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(broken)
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n")}\n-----END CERTIFICATE REQUEST-----\n`;
  return withFiles(f(), { [ALICE_CSR]: pem, [ALICE_SIG]: ids.alice.detachSign(Buffer.from(pem)) }, [
    ALICE_PEM,
  ]);
}

let other: Awaited<ReturnType<typeof generateClusterPki>> | undefined;
async function otherPki() {
  other ??= await generateClusterPki(
    "prod",
    { api_domain: "k8s.example.com", service_ip: "10.3.0.1" },
    repo.now,
  );
  return other;
}

function matching(findings: Finding[], c: Case): Finding[] {
  return findings.filter((x) => x.rule === c.rule && x.path === c.path);
}

describe("every rule", () => {
  it("passes on the correct repository (the passing case of every rule below)", async () => {
    const { findings } = await verifyTree(repo.tree(), { now: repo.now });
    for (const c of cases)
      if (c.rule !== "csr.group.privileged") expect(matching(findings, c), c.rule).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))("fails on %s", async (_name, c) => {
    const { findings } = await verifyTree(await c.tree(), { now: c.now?.() ?? repo.now });
    const hits = matching(findings, c);
    expect(hits, JSON.stringify(findings, null, 1)).not.toEqual([]);
    expect(hits[0]!.severity).toBe(c.severity ?? "error");
    expect(hits[0]!.message.length).toBeGreaterThan(20);
    if (c.message !== undefined) expect(hits.map((hit) => hit.message).join("\n")).toContain(c.message);
  });
});

it("says how to renew an expired certificate: a new CSR beside the old .pem would not match it", async () => {
  const { findings } = await verifyTree(repo.tree(), { now: new Date(repo.now.getTime() + 100 * DAY) });
  const expired = findings.find((x) => x.rule === "admin-cert.expired" && x.path === ALICE_PEM)!;
  expect(expired.message).toContain(
    "remove this .pem and replace the CSR and its signature with a new key's (a new CSR beside the old .pem does not match it): `kaws admin renew --cluster prod --login alice` does it",
  );
});

it("names a key file whose v6 session-key packet is malformed as unreadable, and says why", async () => {
  const path = "clusters/prod/node-key.pem.asc";
  const { data } = await openpgp.unarmor(String(f()[path]));
  // a v6 PKESK naming a v6 key (version octet 6) by 20 octets: no key has such a fingerprint
  const malformed = Buffer.from(`c118061506${"ab".repeat(20)}19`, "hex");
  const armored = openpgp.armor(openpgp.enums.armor.message, Buffer.concat([malformed, data as Uint8Array]));
  const { findings } = await verifyTree(withFiles(f(), { [path]: armored }), { now: repo.now });
  expect(findings.filter((x) => x.path === path)).toEqual([
    {
      rule: "key-file.unreadable",
      severity: "error",
      path,
      message:
        "not an encrypted OpenPGP message (a session-key packet naming a v6 key by a 20-octet fingerprint): regenerate it with the bot or `kaws cluster reencrypt`",
    },
  ]);
});
