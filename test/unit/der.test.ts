import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  childrenOf,
  contentOf,
  decodeOid,
  readNode,
  readSingleNode,
  type DerNode,
} from "../../src/core/pki/der.js";
import { run } from "../helpers/run.js";

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "hex"));

/** Complete OBJECT IDENTIFIER encodings, tag and length included, from X.690 and the RFCs named. */
const OIDS: [string, string, string][] = [
  ["X.690 section 8.19.5's example", "2.999.3", "06 03 88 37 03"],
  ["a first subidentifier of two octets", "2.999", "06 02 88 37"],
  ["id-at-commonName (RFC 5280)", "2.5.4.3", "06 03 55 04 03"],
  ["sha256WithRSAEncryption (RFC 4055)", "1.2.840.113549.1.1.11", "06 09 2A 86 48 86 F7 0D 01 01 0B"],
  ["id-ce-basicConstraints (RFC 5280)", "2.5.29.19", "06 03 55 1D 13"],
  ["prime256v1 (RFC 5480)", "1.2.840.10045.3.1.7", "06 08 2A 86 48 CE 3D 03 01 07"],
  ["Curve25519 for OpenPGP (RFC 9580)", "1.3.6.1.4.1.3029.1.5.1", "06 0A 2B 06 01 04 01 97 55 01 05 01"],
  [
    "domainComponent, under arc 0 (RFC 4519)",
    "0.9.2342.19200300.100.1.25",
    "06 0A 09 92 26 89 93 F2 2C 64 01 19",
  ],
  [
    "a UUID arc past 2^53 (X.667's example)",
    "2.25.329800735698586629295641978511506172918",
    "06 14 69 83 F0 9D A7 EB CF DE E0 C7 A1 A7 B2 C0 94 8C C8 F9 D7 76",
  ],
];

function oidOf(encoded: Uint8Array): string {
  const node = readSingleNode(encoded);
  expect(node.tag).toBe(0x06);
  return decodeOid(contentOf(encoded, node));
}

describe("decodeOid: known answers", () => {
  it.each(OIDS)("%s: %s", (_source, dotted, encoding) => {
    expect(oidOf(hex(encoding))).toBe(dotted);
  });

  it("agrees with openssl, which encodes each of them", () => {
    const dir = mkdtempSync(join(tmpdir(), "kaws-oid-"));
    try {
      for (const [, dotted, encoding] of OIDS) {
        const out = join(dir, "oid.der");
        run("openssl", ["asn1parse", "-genstr", `OID:${dotted}`, "-noout", "-out", out]);
        expect(readFileSync(out).toString("hex"), dotted).toBe(Buffer.from(hex(encoding)).toString("hex"));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["no content", ""],
    ["a leading 0x80 in the first subidentifier", "80 01"],
    ["a leading 0x80 in a later subidentifier (X.690 8.19.2)", "2A 80 01"],
    ["a last subidentifier that is not finished", "2A 86"],
    ["a subidentifier of 21 octets", `2A ${"FF ".repeat(20)}7F`],
  ])("refuses %s", (_name, content) => {
    expect(() => decodeOid(hex(content))).toThrow(/OID/);
  });
});

const body = (length: number) => "00".repeat(length);

describe("readNode: lengths (X.690 section 8.1.3, DER section 10.1)", () => {
  it.each<[string, string, Omit<DerNode, "tag" | "start">]>([
    ["the short form", `04 05 ${body(5)}`, { contentStart: 2, contentEnd: 7, end: 7 }],
    [
      "X.690's long-form example, 201 as 81 C9",
      `04 81 C9 ${body(201)}`,
      { contentStart: 3, contentEnd: 204, end: 204 },
    ],
    ["128, the smallest long form", `04 81 80 ${body(128)}`, { contentStart: 3, contentEnd: 131, end: 131 }],
    ["two length octets", `04 82 01 00 ${body(256)}`, { contentStart: 4, contentEnd: 260, end: 260 }],
    ["an empty element", "05 00", { contentStart: 2, contentEnd: 2, end: 2 }],
  ])("reads %s", (_name, encoding, expected) => {
    expect(readNode(hex(encoding), 0)).toEqual({ tag: hex(encoding)[0], start: 0, ...expected });
  });

  it.each([
    ["a long form that the short form could say (81 05)", `04 81 05 ${body(5)}`, /shortest form/],
    ["a long form with a leading zero octet (82 00 80)", `04 82 00 80 ${body(128)}`, /shortest form/],
    ["an indefinite length (80)", "30 80 05 00 00 00", /indefinite/],
    ["the reserved length octet FF", "04 FF", /reserved/],
    ["more length octets than any file needs", `04 85 00 00 00 00 05 ${body(5)}`, /unsupported/],
    ["content shorter than its length", `04 05 ${body(4)}`, /truncated/],
    ["long-form length octets cut off", "04 82 01", /truncated/],
    ["a high tag number", "1F 01 00", /tag/],
  ])("refuses %s", (_name, encoding, message) => {
    expect(() => readNode(hex(encoding), 0)).toThrow(message);
  });

  it("reads padded and indefinite lengths only as BER, as the secret scan does", () => {
    const padded = hex(`04 81 05 ${body(5)}`);
    expect(readNode(padded, 0, "ber")).toMatchObject({ contentStart: 3, contentEnd: 8, end: 8 });
    const indefinite = hex("30 80 02 01 07 30 80 05 00 00 00 00 00");
    const outer = readNode(indefinite, 0, "ber");
    expect(outer).toMatchObject({ contentStart: 2, contentEnd: 11, end: 13 });
    expect(childrenOf(indefinite, outer, "ber").map((node) => [node.tag, node.end])).toEqual([
      [0x02, 5],
      [0x30, 11],
    ]);
    expect(() => readNode(hex("04 80 00 00"), 0, "ber")).toThrow(/primitive/);
    expect(() => readNode(hex("30 80 05 00"), 0, "ber")).toThrow(/truncated/);
    expect(() => readNode(hex(`${"30 80 ".repeat(17)}${"00 00 ".repeat(17)}`), 0, "ber")).toThrow(/deep/);
  });
});

describe("readSingleNode and childrenOf: nothing dropped, nothing overrun", () => {
  it("refuses bytes after the element", () => {
    expect(readSingleNode(hex("30 03 02 01 05")).end).toBe(5);
    expect(() => readSingleNode(hex("30 03 02 01 05 00"))).toThrow("1 bytes after the DER element");
  });

  it("refuses a child that runs past its parent", () => {
    const der = hex("30 03 04 02 00 00");
    expect(() => childrenOf(der, readNode(der, 0))).toThrow(/overruns/);
  });
});
