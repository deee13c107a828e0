import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as openpgp from "openpgp";
import { afterAll, expect, it } from "vitest";
import { decryptMessage, readDecryptionKey } from "../../src/core/openpgp/decrypt-message.js";
import { encryptToRecipients } from "../../src/core/openpgp/encrypt-to-recipients.js";
import { listRecipientKeyIds } from "../../src/core/openpgp/list-recipient-key-ids.js";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { recipientSet } from "../../src/core/policy/recipient-set.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { planKeyFiles } from "../../src/core/reconcile/plan-key-files.js";
import { CLUSTER_ROLES, clusterFile } from "../../src/core/tree/classify-path.js";
import type { RepoTree } from "../../src/core/tree/repo-tree.js";
import { publicKeyOf, type Files } from "../helpers/build-repo.js";
import { GpgHome } from "../helpers/gpg.js";
import { withFiles } from "../helpers/mutate.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
const scratch = mkdtempSync(join(tmpdir(), "kaws-shared-subkey-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * mallory's primary key and user ID, with `victim`'s encryption subkey as her only encryption key.
 * She needs nothing secret of the victim's: a subkey binding signature (0x18) is made by the
 * primary key alone (only a signing subkey adds a back-signature made by the subkey), so she binds
 * the victim's public subkey with her own primary. GnuPG's `addkey` cannot attach a foreign public
 * subkey, so the binding is made with openpgp.js's packet API; gpg accepts the result (checked below).
 */
async function malloryBindsSubkeyOf(victim: GpgHome): Promise<string> {
  const mallory = await openpgp.readPrivateKey({ armoredKey: ids().mallory.exportSecret() });
  const victimSubkey = (await publicKeyOf(victim)).getSubkeys()[0]!.keyPacket;
  const binding = new openpgp.SignaturePacket();
  binding.signatureType = openpgp.enums.signature.subkeyBinding;
  binding.publicKeyAlgorithm = mallory.keyPacket.algorithm;
  binding.hashAlgorithm = openpgp.enums.hash.sha256;
  binding.keyFlags = new Uint8Array([
    openpgp.enums.keyFlags.encryptCommunication | openpgp.enums.keyFlags.encryptStorage,
  ]);
  const signed = { key: mallory.keyPacket, bind: victimSubkey } as unknown as Uint8Array; // typed too narrowly
  // @ts-expect-error -- the config parameter is missing from openpgp.js's declaration of sign()
  await binding.sign(mallory.keyPacket, signed, repo().now, false, openpgp.config);
  const own = mallory.toPublic().toPacketList();
  const primaryAndUser = own.slice(
    0,
    own.findIndex((p) => p instanceof openpgp.PublicSubkeyPacket),
  );
  const packets = new openpgp.PacketList();
  packets.push(...primaryAndUser, victimSubkey, binding);
  return armored(packets);
}

/**
 * mallory's whole key with the victim's subkey packet and the victim's own binding signature
 * copied after it (packet surgery on `gpg --export`). The binding does not verify under mallory's
 * primary, so no tool encrypts to it, but the subkey's key ID is in her file all the same.
 */
async function malloryCopiesSubkeyOf(victim: GpgHome): Promise<string> {
  const own = (await publicKeyOf(ids().mallory)).toPacketList();
  const theirs = (await publicKeyOf(victim)).toPacketList();
  const subkeyAt = theirs.findIndex((p) => p instanceof openpgp.PublicSubkeyPacket);
  const packets = new openpgp.PacketList();
  packets.push(...own, theirs[subkeyAt]!, theirs[subkeyAt + 1]!);
  return armored(packets);
}

/** With its CRC24 line, as gpg writes it: GnuPG 2.2 misreads the end of some bodies without it. */
function armored(packets: openpgp.PacketList<openpgp.AnyPacket>): string {
  return openpgp.armor(openpgp.enums.armor.publicKey, packets.write(), undefined, undefined, undefined, true);
}

async function encryptionKeyId(home: GpgHome): Promise<string> {
  const key = await publicKeyOf(home);
  return (await key.getEncryptionKey(undefined, repo().now)).getKeyID().toHex();
}

/** Every key file of the built repository encrypted again to these people. */
async function keyFilesFor(people: GpgHome[]): Promise<Files> {
  const keys = await Promise.all(people.map(publicKeyOf));
  const files: Files = {};
  for (const role of CLUSTER_ROLES)
    files[clusterFile.key("prod", role)] = await encryptToRecipients(
      repo().pki.privateKeys[role],
      keys,
      repo().now,
    );
  return files;
}

/** What the reconciler plans for a tree: recipients from the tree's own sound keys, opened with the bot's key. */
async function planFor(tree: RepoTree) {
  const verification = await verifyTree(tree, { now: repo().now });
  const sound = [...verification.admins.values(), verification.bot!].filter((known) => known.sound);
  const botKey = await readDecryptionKey(ids().bot.exportSecret());
  return planKeyFiles({
    tree,
    recipients: recipientSet(sound),
    open: (message) => decryptMessage(message, botKey),
    now: repo().now,
  });
}

it("is a real attack: gpg accepts the forged key and encrypts to alice's subkey when asked for mallory", async () => {
  const forged = await malloryBindsSubkeyOf(ids().alice);
  const home = join(scratch, "gnupg-check");
  mkdirSync(home, { mode: 0o700 });
  const gpg = new GpgHome(home, ids().mallory.fingerprint);
  gpg.importKeys(forged);
  const message = gpg.encryptTo(new TextEncoder().encode("ca key"), [ids().mallory.fingerprint]);
  expect(gpg.recipientKeyIds(message)).toEqual([(await encryptionKeyId(ids().alice)).toUpperCase()]);
});

it("does not accept a pubkey file that carries another admin's encryption subkey", async () => {
  const forged = await malloryBindsSubkeyOf(ids().alice);
  const aliceSubkey = (await publicKeyOf(ids().alice)).getSubkeys()[0]!;
  const { findings } = await verifyTree(withFiles(repo().files, { "pubkeys/mallory.asc": forged }), {
    now: repo().now,
  });
  const onMallory = findings.find(
    (f) => f.rule === "pubkey.duplicate-key-id" && f.path === "pubkeys/mallory.asc",
  );
  expect(onMallory?.severity).toBe("error");
  expect(onMallory?.message).toContain("pubkeys/alice.asc");
  expect(onMallory?.message).toContain(aliceSubkey.getFingerprint().toUpperCase());
  // the victim's file says it too: either file may be the impostor's
  const onAlice = findings.find(
    (f) => f.rule === "pubkey.duplicate-key-id" && f.path === "pubkeys/alice.asc",
  );
  expect(onAlice?.message).toContain("pubkeys/mallory.asc");
});

it("does not accept a pubkey file that carries the bot's encryption subkey", async () => {
  const forged = await malloryBindsSubkeyOf(ids().bot);
  const { findings } = await verifyTree(withFiles(repo().files, { "pubkeys/mallory.asc": forged }), {
    now: repo().now,
  });
  const finding = findings.find(
    (f) => f.rule === "pubkey.duplicate-key-id" && f.path === "pubkeys/mallory.asc",
  );
  expect(finding?.severity).toBe("error");
  expect(finding?.message).toContain(".github/kaws-bot.asc");
});

it("fails the pull request that adds such a key, even as the author's own request", async () => {
  const head = withFiles(repo().files, { "pubkeys/mallory.asc": await malloryBindsSubkeyOf(ids().alice) });
  const result = await evaluateChange({ base: repo().tree(), head, author: "mallory", now: repo().now });
  expect(result.ok).toBe(false);
  expect(result.findings).toContainEqual(
    expect.objectContaining({
      rule: "pubkey.duplicate-key-id",
      path: "pubkeys/mallory.asc",
      severity: "error",
    }),
  );
});

it("does not let a shared subkey settle the recipient set: planning converges without it", async () => {
  // the key files already name alice's subkey twice (for alice and for mallory's forged key)
  const forged = await malloryBindsSubkeyOf(ids().alice);
  const tree = withFiles(repo().files, {
    "pubkeys/mallory.asc": forged,
    ...(await keyFilesFor([ids().alice, ids().bob, ids().bot])),
  });
  const shared = await encryptionKeyId(ids().alice);
  const first = await planFor(tree);
  expect(first.writes.map((w) => w.path).sort()).toEqual(
    CLUSTER_ROLES.map((r) => clusterFile.key("prod", r)).sort(),
  );
  for (const write of first.writes) {
    const listed = await listRecipientKeyIds(new TextEncoder().encode(write.content));
    expect(listed.ok && listed.keyIds).not.toContain(shared);
  }
  const applied = withFiles(
    { ...repo().files, "pubkeys/mallory.asc": forged },
    Object.fromEntries(first.writes.map((w) => [w.path, w.content])),
  );
  expect((await planFor(applied)).writes).toEqual([]);
});

it("reports a removed admin whose subkey another file still names, and re-encrypts without it", async () => {
  // alice leaves; mallory's file keeps alice's subkey ID beside her own encryption subkey
  const tree = withFiles(
    {
      ...repo().files,
      "pubkeys/mallory.asc": await malloryCopiesSubkeyOf(ids().alice),
      ...(await keyFilesFor([ids().alice, ids().bob, ids().bot, ids().mallory])),
    },
    {},
    [
      "pubkeys/alice.asc",
      "clusters/prod/admins/alice.csr",
      "clusters/prod/admins/alice.csr.asc",
      "clusters/prod/admins/alice.pem",
    ],
  );
  const aliceId = await encryptionKeyId(ids().alice);
  const { findings } = await verifyTree(tree, { now: repo().now });
  expect(findings).toContainEqual(
    expect.objectContaining({
      rule: "key-file.recipients",
      path: "clusters/prod/ca-key.pem.asc",
      message: expect.stringContaining(aliceId.toUpperCase()),
    }),
  );
  const plan = await planFor(tree);
  expect(plan.former).toEqual([{ keyId: aliceId, clusters: ["prod"] }]);
  expect(plan.writes).toHaveLength(CLUSTER_ROLES.length);
  for (const write of plan.writes) {
    const listed = await listRecipientKeyIds(new TextEncoder().encode(write.content));
    expect(listed.ok && listed.keyIds).not.toContain(aliceId);
  }
});
