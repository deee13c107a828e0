import { afterEach, expect, it } from "vitest";
import nock from "nock";
import { useRepo } from "../helpers/use-repo.js";
import { encryptToRecipients } from "../../src/core/openpgp/encrypt-to-recipients.js";
import { publicKeyOf, type Files } from "../helpers/build-repo.js";
import { makeCsr, opensslSelfSignedCa, opensslSignCsr } from "../helpers/openssl.js";
import { pullRequestPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";
import { run } from "../helpers/run.js";

const { ids: idsOf, repo: builtRepo } = useRepo();
afterEach(() => nock.cleanAll());

interface Attack {
  readonly author: string;
  readonly change: () => Promise<Files> | Files;
  readonly remove?: string[];
  readonly modes?: Record<string, string>;
  readonly rule: string;
  readonly path: string;
}

const ALICE_CSR = "clusters/prod/admins/alice.csr";
const attacks: Record<string, Attack> = {
  "a CSR signed by another admin": {
    author: "alice",
    change: () => {
      const { csr } = makeCsr("/CN=alice/O=system:masters");
      return { [ALICE_CSR]: csr, [`${ALICE_CSR}.asc`]: idsOf().bob.detachSign(csr) };
    },
    remove: ["clusters/prod/admins/alice.pem"],
    rule: "csr.signature.wrong-signer",
    path: `${ALICE_CSR}.asc`,
  },
  "signed bytes that differ": {
    author: "alice",
    change: () => ({ [ALICE_CSR]: makeCsr("/CN=alice/O=system:masters").csr }),
    remove: ["clusters/prod/admins/alice.pem"],
    rule: "csr.signature.bad",
    path: `${ALICE_CSR}.asc`,
  },
  "a secret key in pubkeys/": {
    author: "carol",
    change: () => ({ "pubkeys/carol.asc": idsOf().carol.exportSecret() }),
    rule: "pubkey.secret-material",
    path: "pubkeys/carol.asc",
  },
  "a clear private key anywhere": {
    author: "carol",
    change: () => ({
      "pubkeys/carol.asc": idsOf().carol.exportPublic(),
      "docs/notes.md": run("openssl", ["genpkey", "-algorithm", "ed25519"]).toString(),
    }),
    rule: "secret.private-key",
    path: "docs/notes.md",
  },
  "an extra recipient": {
    author: "mallory",
    change: async () => ({
      "clusters/prod/ca-key.pem.asc": await encryptToRecipients(
        new TextEncoder().encode("x"),
        await Promise.all([idsOf().alice, idsOf().bob, idsOf().bot, idsOf().mallory].map(publicKeyOf)),
        builtRepo().now,
      ),
    }),
    rule: "key-file.recipients",
    path: "clusters/prod/ca-key.pem.asc",
  },
  "a symlink in clusters/": {
    author: "mallory",
    change: () => ({ "clusters/prod/admins/mallory.pem": "../../../etc/passwd" }),
    modes: { "clusters/prod/admins/mallory.pem": "120000" },
    rule: "tree.file-mode",
    path: "clusters/prod/admins/mallory.pem",
  },
  "a CSR asking for CA:true": {
    author: "alice",
    change: () => {
      const { csr } = makeCsr("/CN=alice/O=developers", "ec-p256", [
        "-addext",
        "basicConstraints=critical,CA:true",
      ]);
      return { [ALICE_CSR]: csr, [`${ALICE_CSR}.asc`]: idsOf().alice.detachSign(csr) };
    },
    remove: ["clusters/prod/admins/alice.pem"],
    rule: "csr.ca-requested",
    path: ALICE_CSR,
  },
  "a certificate from a foreign CA": {
    author: "alice",
    change: () => ({
      "clusters/prod/admins/alice.pem": opensslSignCsr(
        builtRepo().files[ALICE_CSR] as Uint8Array,
        opensslSelfSignedCa("/CN=kaws prod CA/O=kaws"),
        "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
      ),
    }),
    rule: "admin-cert.chain",
    path: "clusters/prod/admins/alice.pem",
  },
  "a key not registered on the author's GitHub account": {
    author: "carol",
    change: () => {
      const { csr } = makeCsr("/CN=carol");
      return {
        "pubkeys/carol.asc": idsOf().mallory.exportPublic(),
        "clusters/prod/admins/carol.csr": csr,
        "clusters/prod/admins/carol.csr.asc": idsOf().mallory.detachSign(csr),
      };
    },
    rule: "identity.not-registered",
    path: "pubkeys/carol.asc",
  },
};

it.each(Object.entries(attacks))(
  "%s fails the kaws check with an annotation on the file, through a signed HTTP delivery",
  async (_name, attack) => {
    const { headSha, baseSha, github } = pullRequestFixture(
      builtRepo().files,
      { files: await attack.change(), remove: attack.remove, modes: attack.modes },
      { carol: [registeredKey(idsOf().carol)] },
    );
    const server = await startWebhookServer({ now: () => builtRepo().now });
    try {
      const payload = pullRequestPayload({ headSha, baseSha, author: attack.author });
      expect(await server.deliver("pull_request", payload, `d-${attack.rule}`)).toBe(200);
    } finally {
      await server.stop();
    }
    const [run_] = github.checkRuns;
    expect(run_?.conclusion).toBe("failure");
    const output = run_!.output as {
      annotations: { path: string; annotation_level: string; title: string }[];
      summary: string;
    };
    expect(output.annotations).toContainEqual(
      expect.objectContaining({ path: attack.path, annotation_level: "failure", title: attack.rule }),
    );
    expect(output.summary).toContain(`\`${attack.rule}\``);
  },
);
