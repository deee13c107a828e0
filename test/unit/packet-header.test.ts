import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptToRecipients } from "../../src/core/openpgp/encrypt-to-recipients.js";
import {
  readPacketHeader,
  sessionKeyRecipient,
  WILDCARD,
  writePacketHeader,
  type PacketHeader,
} from "../../src/core/openpgp/packet-header.js";
import { identities, type Identities } from "../helpers/identities.js";
import { runStatus } from "../helpers/run.js";

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "hex"));
const withBody = (header: string, length: number) =>
  new Uint8Array([...hex(header), ...new Uint8Array(length)]);

/** RFC 9580 section 4.2.1.5 (RFC 4880 section 4.2.3) gives 100, 1723, 100000 and the partial octets. */
describe("readPacketHeader: known answers", () => {
  it.each<[string, Uint8Array, PacketHeader]>([
    ["new format, one-octet length 100", withBody("C1 64", 100), h(1, 2, 100)],
    ["new format, two-octet length 1723", withBody("C1 C5 FB", 1723), h(1, 3, 1723)],
    ["new format, two-octet length 192 (the smallest)", withBody("C1 C0 00", 192), h(1, 3, 192)],
    ["new format, two-octet length 8383 (the largest)", withBody("C1 DF FF", 8383), h(1, 3, 8383)],
    ["new format, five-octet length 100000", withBody("C1 FF 00 01 86 A0", 100000), h(1, 6, 100000)],
    ["new format, partial length 32768 (EF)", withBody("CB EF", 10), h(11, 2, 32768, true)],
    ["new format, partial length 1 (E0)", withBody("CB E0", 1), h(11, 2, 1, true)],
    ["new format, partial length 65536 (F0)", withBody("D2 F0", 1), h(18, 2, 65536, true)],
    ["old format, one-octet length 100", withBody("84 64", 100), h(1, 2, 100)],
    ["old format, two-octet length 1723", withBody("85 06 BB", 1723), h(1, 3, 1723)],
    ["old format, four-octet length 100000", withBody("86 00 01 86 A0", 100000), h(1, 5, 100000)],
    ["old format, indeterminate length: the rest", withBody("A3", 7), h(8, 1, 7)],
  ])("%s", (_name, data, expected) => {
    expect(readPacketHeader(data, 0)).toEqual(expected);
  });

  it("reads the packet at an offset", () => {
    expect(readPacketHeader(withBody("00 00 C1 05", 5), 2)).toEqual(h(1, 4, 5));
  });

  it.each([
    ["a first octet without its high bit", withBody("41 01", 1), /not an OpenPGP packet stream/],
    ["a body shorter than its length", withBody("C1 64", 99), /truncated/],
    ["a two-octet length cut off", hex("C1 C5"), /truncated/],
    ["a five-octet length cut off", hex("C1 FF 00 01"), /truncated/],
    ["an old-format four-octet length cut off", hex("86 00 01"), /truncated/],
  ])("refuses %s", (_name, data, message) => {
    expect(() => readPacketHeader(data, 0)).toThrow(message);
  });

  it("does not ask for the encrypted data it never reads (SEIPD, AEAD): only their headers", () => {
    expect(readPacketHeader(withBody("D2 FF 00 01 86 A0", 10), 0)).toEqual(h(18, 6, 100000));
    expect(readPacketHeader(withBody("D4 64", 10), 0)).toEqual(h(20, 2, 100));
  });
});

function h(tag: number, bodyStart: number, bodyLength: number, partial = false): PacketHeader {
  return { tag, bodyStart, bodyLength, partial };
}

describe("writePacketHeader: known answers", () => {
  it.each([
    [100, "c164"],
    [1723, "c1c5fb"],
    [100000, "c1ff000186a0"],
    [0, "c100"],
    [191, "c1bf"],
    [192, "c1c000"],
    [8383, "c1dfff"],
    [8384, "c1ff000020c0"],
    [0xffffffff, "c1ffffffffff"],
  ])("length %i is %s, and reads back", (length, expected) => {
    const header = writePacketHeader(1, length);
    expect(Buffer.from(header).toString("hex")).toBe(expected);
    if (length <= 100000) {
      const packet = new Uint8Array([...header, ...new Uint8Array(length)]);
      expect(readPacketHeader(packet, 0)).toEqual(h(1, header.length, length));
    }
  });

  it.each([-1, 1.5, 2 ** 32])("refuses length %d", (length) => {
    expect(() => writePacketHeader(1, length)).toThrow(/packet length/);
  });
});

describe("sessionKeyRecipient: known answers", () => {
  const fingerprint20 = "0102030405060708090A0B0C0D0E0F1011121314";
  const fingerprint32 = `${fingerprint20}15161718191A1B1C1D1E1F20`;

  it.each([
    ["v3: the key ID after the version", `03 1122334455667788 01 0008 FF`, "1122334455667788"],
    ["v3: a hidden recipient (all zeros)", `03 0000000000000000 12 0008 FF`, WILDCARD],
    [
      "v6 naming a v4 key: the last 8 octets of its fingerprint",
      `06 15 04 ${fingerprint20} 12`,
      "0d0e0f1011121314",
    ],
    [
      "v6 naming a v6 key: the first 8 octets of its fingerprint",
      `06 21 06 ${fingerprint32} 19`,
      "0102030405060708",
    ],
    ["v6 with size 0: a hidden recipient", "06 00 19", WILDCARD],
  ])("%s", (_name, body, expected) => {
    expect(sessionKeyRecipient(hex(body))).toBe(expected);
  });

  it.each([
    ["a v3 packet shorter than its key ID and algorithm", "03 11223344556677", /truncated/],
    ["a v6 packet without its size", "06", /truncated/],
    ["a v6 packet shorter than its size says", `06 15 04 ${fingerprint20.slice(0, 20)}`, /truncated/],
    ["a v6 packet naming a v6 key by 20 octets", `06 15 06 ${fingerprint20} 19`, /v6 key by a 20-octet/],
    ["a v6 packet naming a v4 key by 32 octets", `06 21 04 ${fingerprint32} 12`, /v4 key by a 32-octet/],
    ["a v6 packet naming a v5 key", `06 21 05 ${fingerprint32} 12`, /v5 key/],
    ["an unknown version", "05 00", /unknown session-key packet version 5/],
  ])("refuses %s", (_name, body, message) => {
    expect(() => sessionKeyRecipient(hex(body))).toThrow(message);
  });

  it.each([false, true])(
    "names the recipient of a v6 packet as openpgp.js writes it (v6 key: %s)",
    async (v6Keys) => {
      const config = { v6Keys, aeadProtect: true };
      const { publicKey } = await openpgp.generateKey({
        type: "curve25519",
        userIDs: [{ name: "x" }],
        config,
      });
      const message = (await openpgp.encrypt({
        message: await openpgp.createMessage({ text: "x" }),
        encryptionKeys: await openpgp.readKey({ armoredKey: publicKey }),
        format: "binary",
        config,
      })) as Uint8Array;
      const header = readPacketHeader(message, 0);
      const body = message.subarray(header.bodyStart, header.bodyStart + header.bodyLength);
      expect(body[0]).toBe(6);
      const key = await openpgp.readKey({ armoredKey: publicKey });
      expect(sessionKeyRecipient(body)).toBe((await key.getEncryptionKey()).getKeyID().toHex());
    },
  );
});

/** `gpg --list-packets` in a home without keys: the outer packets' offsets, tags and lengths. */
function gpgPackets(home: string, data: Uint8Array) {
  const listed = runStatus("gpg", ["--homedir", home, "--batch", "--list-packets"], { input: data }).stdout;
  return [...listed.matchAll(/^# off=(\d+) ctb=([0-9a-f]{2}) tag=(\d+) hlen=(\d+) plen=(\d+)(.*)$/gm)].map(
    (m) => ({ off: Number(m[1]), tag: Number(m[3]), hlen: Number(m[4]), plen: Number(m[5]), rest: m[6]! }),
  );
}

describe("readPacketHeader agrees with gpg --list-packets", () => {
  let ids: Identities;
  let home: string;
  beforeAll(() => {
    ids = identities();
    home = mkdtempSync(join(tmpdir(), "kaws-list-packets-"));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  async function samples(): Promise<[string, Uint8Array][]> {
    const plaintext = new Uint8Array(20_000);
    const recipients = [ids.alice.fingerprint, ids.bob.fingerprint];
    const ours = await encryptToRecipients(
      plaintext,
      await Promise.all(
        [ids.alice, ids.bob].map((id) => openpgp.readKey({ binaryKey: id.exportPublic(false) })),
      ),
      new Date(),
    );
    return [
      [
        "gpg's message to a Curve25519 and an RSA key (old format)",
        ids.mallory.encryptTo(plaintext, recipients, false),
      ],
      ["gpg's export of an RSA key (old format)", ids.bob.exportPublic(false)],
      [
        "the same key written by openpgp.js (new format)",
        (await openpgp.readKey({ binaryKey: ids.bob.exportPublic(false) })).write(),
      ],
      ["kaws's own message (new format)", (await openpgp.unarmor(ours)).data as Uint8Array],
    ];
  }

  it("on messages and keys in both formats", async () => {
    ids.mallory.importKeys(Buffer.concat([ids.alice.exportPublic(), ids.bob.exportPublic()]));
    for (const [name, data] of await samples()) {
      const listed = gpgPackets(home, data);
      let offset = 0;
      let walked = 0;
      while (offset < data.length) {
        const header = readPacketHeader(data, offset);
        const theirs = listed.find((packet) => packet.off === offset);
        expect(theirs, `${name}: gpg lists no packet at ${offset}`).toBeDefined();
        expect({ tag: header.tag, hlen: header.bodyStart - offset }, name).toEqual({
          tag: theirs!.tag,
          hlen: theirs!.hlen,
        });
        walked++;
        if (header.partial || theirs!.rest.includes("indeterminate")) break;
        expect(header.bodyLength, name).toBe(theirs!.plen);
        offset = header.bodyStart + header.bodyLength;
      }
      expect(walked, name).toBeGreaterThanOrEqual(3);
    }
  });
});
