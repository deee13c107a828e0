import * as openpgp from "openpgp";
import { beforeAll, describe, expect, it } from "vitest";
import { ecdhRecipient, ecdhSessionKeyPacket } from "../../src/core/openpgp/ecdh-session-key-packet.js";
import { encryptToRecipients } from "../../src/core/openpgp/encrypt-to-recipients.js";
import { listRecipientKeyIds } from "../../src/core/openpgp/list-recipient-key-ids.js";
import { rsaRecipient, rsaSessionKeyPacket } from "../../src/core/openpgp/rsa-session-key-packet.js";
import type { GpgHome } from "../helpers/gpg.js";
import { identities, type Identities } from "../helpers/identities.js";

let ids: Identities;
const now = new Date();
const PLAINTEXT = "the cluster CA key";
/** Known session keys, so that what gpg reports having decrypted can be compared byte for byte. */
const AES256 = {
  data: Uint8Array.from({ length: 32 }, (_, i) => i + 1),
  algorithm: "aes256",
  id: 9,
} as const;
const AES128 = {
  data: Uint8Array.from({ length: 16 }, (_, i) => 0xf0 - i),
  algorithm: "aes128",
  id: 7,
} as const;
type SessionKey = typeof AES256 | typeof AES128;

beforeAll(() => {
  ids = identities();
});

const keyOf = (id: GpgHome) => openpgp.readKey({ binaryKey: id.exportPublic(false) });

/** The key ID of the encryption subkey, as gpg itself lists it. */
function gpgEncryptionKeyId(id: GpgHome): string {
  const listing = id.gpg(["--with-colons", "--list-keys", id.fingerprint]).toString();
  const line = listing.split("\n").find((l) => l.startsWith("sub:") && l.split(":")[11]!.includes("e"));
  return line!.split(":")[4]!;
}

/** The session-key packet followed by the encrypted data openpgp.js makes with the same session key. */
async function messageWith(packet: Uint8Array, sessionKey: SessionKey): Promise<Uint8Array> {
  const rest = (await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: new TextEncoder().encode(PLAINTEXT) }),
    sessionKey: { data: sessionKey.data, algorithm: sessionKey.algorithm },
    encryptionKeys: [],
    format: "binary",
    config: { aeadProtect: false },
  })) as Uint8Array;
  return Buffer.concat([packet, rest]);
}

/** What gpg sees: the packet as --list-packets prints it, and the session key it decrypts. */
function gpgOpens(id: GpgHome, message: Uint8Array) {
  const listed = id.gpgStatus(["--list-packets"], message).stdout;
  const decrypted = id.gpgStatus(["--show-session-key", "--decrypt"], message);
  return {
    header: /^# off=0 ctb=(\w+) tag=(\d+) hlen=(\d+) plen=(\d+)/m.exec(listed)!.slice(1),
    packet: /:pubkey enc packet: version (\d+), algo (\d+), keyid (\w+)/.exec(listed)!.slice(1),
    mpis: [...listed.matchAll(/data: \[(\d+) bits\]/g)].map((m) => Number(m[1])),
    status: decrypted.status,
    plaintext: decrypted.stdout,
    sessionKey: /session key: '(\d+):([0-9A-F]+)'/.exec(decrypted.stderr)?.slice(1),
  };
}

const upperHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex").toUpperCase();

describe("the RSA session-key packet writer (v3 PKESK, RFC 9580 section 5.1)", () => {
  it("writes what gpg reads and opens: header, key ID, algorithm 1, the MPI, the very session key", async () => {
    const recipient = (await rsaRecipient(await keyOf(ids.bob), now))!;
    const packet = rsaSessionKeyPacket(recipient, AES256);
    const mpiLength = packet.length - 3 - 12;
    const bodyLength = 12 + mpiLength;
    // two-octet new-format length: a 3072-bit MPI makes a 396-octet body, 0xC1 0xC0 0xCC
    expect([...packet.subarray(0, 3)]).toEqual([
      0xc1,
      ((bodyLength - 192) >> 8) + 192,
      (bodyLength - 192) & 0xff,
    ]);
    expect(Buffer.from(packet.subarray(3, 12)).toString("hex").toUpperCase()).toBe(
      `03${gpgEncryptionKeyId(ids.bob)}`,
    );
    expect(packet[12]).toBe(1);
    const bits = (packet[13]! << 8) | packet[14]!;
    expect(bits).toBeGreaterThan(3072 - 16);
    expect(Math.ceil(bits / 8)).toBe(mpiLength);

    const opened = gpgOpens(ids.bob, await messageWith(packet, AES256));
    expect(opened.header).toEqual(["c1", "1", "3", String(bodyLength)]);
    expect(opened.packet).toEqual(["3", "1", gpgEncryptionKeyId(ids.bob)]);
    expect(opened.mpis).toEqual([bits]);
    expect(opened.status).toBe(0);
    expect(opened.sessionKey).toEqual(["9", upperHex(AES256.data)]);
    expect(opened.plaintext).toBe(PLAINTEXT);
  });
});

describe("the Curve25519 session-key packet writer (v3 PKESK, RFC 6637 and RFC 9580 section 5.1.4)", () => {
  it.each([
    // algorithm, key, 2-octet checksum, PKCS#5 padding to 8: AES-256 40 octets wrapped to 48; AES-128 24 to 32
    ["AES-256", AES256, 48],
    ["AES-128", AES128, 32],
  ] as const)(
    "writes what gpg reads and opens, with a %s session key",
    async (_name, sessionKey, wrapped) => {
      const recipient = (await ecdhRecipient(await keyOf(ids.alice), now))!;
      const packet = ecdhSessionKeyPacket(recipient, { data: sessionKey.data, algorithm: sessionKey.id });
      const bodyLength = 1 + 8 + 1 + 2 + 33 + 1 + wrapped;
      expect(packet.length).toBe(2 + bodyLength);
      expect([...packet.subarray(0, 2)]).toEqual([0xc1, bodyLength]);
      expect(upperHex(packet.subarray(2, 11))).toBe(`03${gpgEncryptionKeyId(ids.alice)}`);
      // algorithm 18, an MPI of 263 bits (0x40 then 32 octets), then the size octet of the wrapped key
      expect([...packet.subarray(11, 15)]).toEqual([18, 0x01, 0x07, 0x40]);
      expect(packet[47]).toBe(wrapped);

      const opened = gpgOpens(ids.alice, await messageWith(packet, sessionKey));
      expect(opened.header).toEqual(["c1", "1", "2", String(bodyLength)]);
      expect(opened.packet).toEqual(["3", "18", gpgEncryptionKeyId(ids.alice)]);
      expect(opened.mpis).toEqual([263, (1 + wrapped) * 8]);
      expect(opened.status).toBe(0);
      expect(opened.sessionKey).toEqual([String(sessionKey.id), upperHex(sessionKey.data)]);
      expect(opened.plaintext).toBe(PLAINTEXT);
    },
  );

  it("uses a fresh ephemeral key each time: two packets for one session key differ", async () => {
    const recipient = (await ecdhRecipient(await keyOf(ids.alice), now))!;
    const first = ecdhSessionKeyPacket(recipient, { data: AES256.data, algorithm: AES256.id });
    const second = ecdhSessionKeyPacket(recipient, { data: AES256.data, algorithm: AES256.id });
    expect(Buffer.from(first.subarray(15, 47))).not.toEqual(Buffer.from(second.subarray(15, 47)));
  });
});

describe("the v6 branch: a recipient that asks for SEIPD v2 gets openpgp.js's v6 session-key packet", () => {
  it.each([false, true])("v6 key: %s", async (v6Keys) => {
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: "curve25519",
      userIDs: [{ name: "v6" }],
      format: "object",
      date: new Date(now.getTime() - 60_000),
      config: { v6Keys, aeadProtect: true },
    });
    const armored = await encryptToRecipients(new TextEncoder().encode(PLAINTEXT), [publicKey], now);
    const binary = (await openpgp.unarmor(armored)).data as Uint8Array;
    const sizeOctet = v6Keys ? 0x21 : 0x15; // the key version octet and a 32- or 20-octet fingerprint
    expect([...binary.subarray(2, 5)]).toEqual([6, sizeOctet, v6Keys ? 6 : 4]);
    const listed = await listRecipientKeyIds(new TextEncoder().encode(armored));
    expect(listed).toEqual({
      ok: true,
      keyIds: [(await publicKey.getEncryptionKey()).getKeyID().toHex()],
      passwordRecipients: 0,
    });
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: privateKey,
    });
    expect(data).toBe(PLAINTEXT);
  });
});
