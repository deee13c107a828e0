import { beforeAll, describe, expect, it } from "vitest";
import { decryptMessage, readDecryptionKey } from "../../src/core/openpgp/decrypt-message.js";
import { encryptToRecipients } from "../../src/core/openpgp/encrypt-to-recipients.js";
import { keepSessionKeysFor } from "../../src/core/openpgp/keep-session-keys-for.js";
import { judgePublicKey } from "../../src/core/openpgp/judge-public-key.js";
import { listRecipientKeyIds } from "../../src/core/openpgp/list-recipient-key-ids.js";
import { readPublicKey } from "../../src/core/openpgp/read-public-key.js";
import { verifyDetachedSignature } from "../../src/core/openpgp/verify-detached-signature.js";
import { publicKeyOf } from "../helpers/build-repo.js";
import type { GpgHome } from "../helpers/gpg.js";
import { identities, type Identities } from "../helpers/identities.js";
import { makeCsr } from "../helpers/openssl.js";

let ids: Identities;
const now = new Date();

beforeAll(() => {
  ids = identities();
});

const kinds = [
  ["Curve25519", "alice"],
  ["RSA-3072", "bob"],
] as const;

describe.each(kinds)("keys made by gpg (%s)", (_kind, name) => {
  const id = (): GpgHome => ids[name];

  it.each([true, false])("reads the exported key (armored: %s) and judges it sound", async (armored) => {
    const read = await readPublicKey(id().exportPublic(armored));
    if (!read.ok) throw new Error(read.detail);
    expect(read.armored).toBe(armored);
    const judgement = await judgePublicKey(read.key, now, 3072);
    expect(judgement.fingerprint).toBe(id().fingerprint);
    expect(judgement.problems).toEqual([]);
  });

  it.each([
    { armor: true, textmode: false },
    { armor: false, textmode: false },
    { armor: true, textmode: true },
    { armor: false, textmode: true },
  ])("verifies a gpg detached signature over the exact CSR bytes (%o)", async (options) => {
    const { csr } = makeCsr(`/CN=${name}`);
    const signature = id().detachSign(csr, options);
    const result = await verifyDetachedSignature(csr, signature, await publicKeyOf(id()), now);
    expect(result).toMatchObject({ ok: true, signerFingerprint: id().fingerprint });
  });

  it("rejects the same signature over bytes that differ by one character", async () => {
    const { csr } = makeCsr(`/CN=${name}`);
    const signature = id().detachSign(csr);
    const altered = Buffer.from(csr);
    altered[40] = altered[40] === 0x41 ? 0x42 : 0x41;
    const result = await verifyDetachedSignature(altered, signature, await publicKeyOf(id()), now);
    expect(result).toMatchObject({ ok: false, reason: "bad-signature" });
  });
});

describe("encryption with GnuPG on the other side", () => {
  it("gpg --decrypt opens what the core encrypts, for every recipient, and list-packets shows exactly them", async () => {
    const plaintext = new TextEncoder().encode("secret bytes that only recipients may read\n");
    const recipients = [ids.alice, ids.bob, ids.bot];
    const message = await encryptToRecipients(plaintext, await Promise.all(recipients.map(publicKeyOf)), now);
    for (const id of recipients) {
      const opened = id.decrypt(message);
      expect(opened.status, opened.stderr).toBe(0);
      expect(opened.stdout).toBe("secret bytes that only recipients may read\n");
    }
    expect(ids.mallory.decrypt(message).status).not.toBe(0);
    const gpgIds = ids.alice.recipientKeyIds(message).sort();
    const listed = await listRecipientKeyIds(new TextEncoder().encode(message));
    if (!listed.ok) throw new Error(listed.detail);
    expect(listed.keyIds.map((k) => k.toUpperCase()).sort()).toEqual(gpgIds);
    expect(gpgIds).toHaveLength(3);
  });

  it("gpg --decrypt opens messages of every length encrypted to many RSA and Curve25519 recipients", async () => {
    const keys = await Promise.all([ids.alice, ids.bob, ids.carol, ids.bot].map(publicKeyOf));
    for (let extra = 0; extra < 7; extra++) {
      const plaintext = "k".repeat(200 + extra); // armored bodies of every length modulo 3
      // many session-key packets make a long armored body, as a real team does
      const message = await encryptToRecipients(
        new TextEncoder().encode(plaintext),
        Array(12).fill(keys).flat(),
        now,
      );
      for (const id of [ids.bob, ids.bot])
        expect(id.decrypt(message).stdout, `length ${200 + extra}`).toBe(plaintext);
      // GnuPG 2.2 misreads some long armored bodies without the CRC24 line (seen on a 12,765-byte message)
      expect(message).toMatch(/\n=[A-Za-z0-9+/]{4}\n-----END PGP MESSAGE-----/);
    }
  });

  it.each([true, false])(
    "reads the recipients of a message gpg encrypted (armored: %s) and decrypts it with the bot key",
    async (armor) => {
      const sender = ids.mallory;
      sender.importKeys(Buffer.concat([ids.alice.exportPublic(), ids.bot.exportPublic()]));
      const message = sender.encryptTo(
        new TextEncoder().encode("ca key bytes"),
        [ids.alice.fingerprint, ids.bot.fingerprint],
        armor,
      );
      const listed = await listRecipientKeyIds(message);
      if (!listed.ok) throw new Error(listed.detail);
      expect(listed.keyIds.map((k) => k.toUpperCase()).sort()).toEqual(
        sender.recipientKeyIds(message).sort(),
      );
      const botKey = await readDecryptionKey(ids.bot.exportSecret());
      expect(new TextDecoder().decode(await decryptMessage(message, botKey))).toBe("ca key bytes");
    },
  );

  it("opens a many-recipient message reading only the bot's session-key packet, which gpg still accepts", async () => {
    const sender = ids.mallory;
    sender.importKeys(
      Buffer.concat([ids.alice.exportPublic(), ids.bob.exportPublic(), ids.bot.exportPublic()]),
    );
    const message = sender.encryptTo(
      new TextEncoder().encode("node key bytes"),
      [ids.alice.fingerprint, ids.bob.fingerprint, ids.bot.fingerprint],
      false,
    );
    const botKey = await readDecryptionKey(ids.bot.exportSecret());
    const pruned = keepSessionKeysFor(message, new Set(botKey.getKeyIDs().map((k) => k.toHex())));
    expect(sender.recipientKeyIds(message)).toHaveLength(3);
    const botSubkey = botKey.getKeyIDs().map((k) => k.toHex().toUpperCase());
    expect(sender.recipientKeyIds(pruned).every((id) => botSubkey.includes(id))).toBe(true);
    expect(sender.recipientKeyIds(pruned)).toHaveLength(1);
    expect(ids.bot.decrypt(pruned).stdout.toString()).toBe("node key bytes");
    expect(new TextDecoder().decode(await decryptMessage(message, botKey))).toBe("node key bytes");
    // not addressed to this key: nothing kept, and opening it fails as before
    const aliceOnly = sender.encryptTo(new TextEncoder().encode("x"), [ids.alice.fingerprint], false);
    await expect(decryptMessage(aliceOnly, botKey)).rejects.toThrow();
    // not a message at all: given back as it was, for openpgp.js to refuse
    const garbage = new TextEncoder().encode("not openpgp");
    expect(keepSessionKeysFor(garbage, new Set())).toBe(garbage);
  });
});
