import { randomBytes } from "node:crypto";
import * as openpgp from "openpgp";
import { expect, it } from "vitest";
import { findSecretMaterial } from "../../src/core/openpgp/find-secret-material.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

// Every key here is made by the real tools at test time, through pipes or the identities' temp homes.
const openssl = (args: string[], input?: Uint8Array | string) => run("openssl", args, { input });
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const wrapped = (text: string, width: number) => text.match(new RegExp(`.{1,${width}}`, "g"))!;

function carolSecret(extra: string[] = []): Buffer {
  return ids().carol.gpg([...extra, "--export-secret-keys", ids().carol.fingerprint]);
}

/** The same secret key in new-format packet headers (gpg writes the old format for keys). */
async function carolSecretNewFormat(): Promise<Uint8Array> {
  const key = await openpgp.readPrivateKey({ binaryKey: carolSecret() });
  return key.write();
}

/** carol's secret subkey packet (tag 7) and its binding signature, without the primary key. */
async function carolSecretSubkeyAlone(): Promise<Uint8Array> {
  const subkey = (await openpgp.readPrivateKey({ binaryKey: carolSecret() })).getSubkeys()[0]!;
  const packets = new openpgp.PacketList();
  packets.push(subkey.keyPacket, ...subkey.bindingSignatures);
  return packets.write();
}

const pkcs8Ed25519 = () => openssl(["genpkey", "-algorithm", "ed25519", "-outform", "DER"]);
const pkcs8Rsa = () =>
  openssl(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER"], openssl(["genrsa", "-traditional", "2048"]));
const pkcs1Rsa = () =>
  openssl(["rsa", "-outform", "DER", "-traditional"], openssl(["genrsa", "-traditional", "2048"]));
const sec1Ec = () => openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-outform", "DER"]);
const encryptedPkcs8 = () =>
  openssl(
    ["pkcs8", "-topk8", "-v2", "aes256", "-passout", "pass:x", "-outform", "DER"],
    openssl(["genpkey", "-algorithm", "ed25519"]),
  );

/** A PKCS#8 key in BER that OpenSSL loads all the same: its outer length padded, or indefinite. */
function berPkcs8(form: "padded" | "indefinite"): Buffer {
  const der = pkcs8Ed25519();
  expect(der[0]).toBe(0x30);
  expect(der[1]).toBeLessThan(0x80);
  const ber =
    form === "padded"
      ? Buffer.concat([Buffer.from([0x30, 0x82, 0x00, der[1]!]), der.subarray(2)])
      : Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(2), Buffer.from([0, 0])]);
  openssl(["pkey", "-inform", "DER", "-noout"], ber); // throws when OpenSSL would not load it
  return ber;
}

/** What the file is, where it is committed, how it is made, the line and the kind the finding names. */
const cases: [string, string, () => Promise<Uint8Array | string> | Uint8Array | string, number, string][] = [
  [
    "an armored OpenPGP secret key with Version: and Comment: headers",
    "docs/carol.asc",
    () => carolSecret(["--armor", "--emit-version", "--comment", "carol's laptop <carol@example.test>"]),
    1,
    "PGP PRIVATE KEY BLOCK",
  ],
  [
    "a binary OpenPGP secret key, old packet format (gpg --export-secret-keys)",
    "backup/carol.gpg",
    () => carolSecret(),
    1,
    "binary OpenPGP secret key",
  ],
  [
    "a binary OpenPGP secret key, new packet format",
    "backup/carol-new.gpg",
    carolSecretNewFormat,
    1,
    "binary OpenPGP secret key",
  ],
  [
    "a binary OpenPGP secret subkey (tag 7) alone",
    "backup/carol-subkey.gpg",
    carolSecretSubkeyAlone,
    1,
    "binary OpenPGP secret key",
  ],
  [
    "OpenPGP secret-key packets under a PUBLIC KEY BLOCK armor",
    "docs/carol-public.asc",
    () => openpgp.armor(openpgp.enums.armor.publicKey, carolSecret()),
    3,
    "base64 OpenPGP secret key",
  ],
  ["a DER PKCS#8 private key", "backup/ed25519.der", pkcs8Ed25519, 1, "DER PKCS#8 private key"],
  [
    "a PKCS#8 private key with a padded length (BER)",
    "backup/padded.der",
    () => berPkcs8("padded"),
    1,
    "DER PKCS#8 private key",
  ],
  [
    "a PKCS#8 private key with an indefinite length (BER)",
    "backup/indefinite.der",
    () => berPkcs8("indefinite"),
    1,
    "DER PKCS#8 private key",
  ],
  ["a DER PKCS#1 RSA private key", "backup/rsa.der", pkcs1Rsa, 1, "DER PKCS#1 RSA private key"],
  ["a DER SEC1 EC private key", "backup/ec.der", sec1Ec, 1, "DER SEC1 EC private key"],
  [
    "a DER encrypted PKCS#8 private key",
    "backup/encrypted.der",
    encryptedPkcs8,
    1,
    "DER PKCS#8 encrypted private key",
  ],
  [
    "base64 of a DER PKCS#8 key in a JSON value",
    "config/service.json",
    () => `{\n  "name": "svc",\n  "key": "${base64(pkcs8Rsa())}"\n}\n`,
    3,
    "base64 DER PKCS#8 private key",
  ],
  [
    "base64 of a DER SEC1 key in a JSON string with \\n escapes",
    "config/ec.json",
    () => `{"key": "${wrapped(base64(sec1Ec()), 64).join("\\n")}"}`,
    1,
    "base64 DER SEC1 EC private key",
  ],
  [
    "base64 of a DER PKCS#1 key in a YAML block scalar",
    "deploy/values.yml",
    () =>
      `tls:\n  key: |\n${wrapped(base64(pkcs1Rsa()), 76)
        .map((line) => `    ${line}\n`)
        .join("")}`,
    3,
    "base64 DER PKCS#1 RSA private key",
  ],
  [
    "base64 of a binary OpenPGP secret key in a JSON value",
    "config/signer.json",
    () => `{"gpg": "${base64(carolSecret())}"}`,
    1,
    "base64 OpenPGP secret key",
  ],
];

it.each(cases)("finds %s", async (_name, path, make, line, kind) => {
  const content = await make();
  const { findings } = await verifyTree(withFiles(repo().files, { [path]: content }), { now: repo().now });
  const finding = findings.find((f) => f.rule === "secret.private-key" && f.path === path);
  expect(finding, JSON.stringify(findings.filter((f) => f.severity === "error"))).toBeDefined();
  expect(finding!.severity).toBe("error");
  expect(finding!.message).toContain(`unencrypted ${kind} block is committed (line ${line})`);
  const text = typeof content === "string" ? content : base64(content);
  expect(finding!.message).not.toContain(text.slice(-40, -8)); // the finding never repeats the key
});

it("finds the binary forms as what they are: old and new packet headers, tags 5 and 7", async () => {
  expect(carolSecret()[0]! & 0xc0).toBe(0x80); // old format
  expect((await carolSecretNewFormat())[0]).toBe(0xc5); // new format, tag 5
  expect((await carolSecretSubkeyAlone())[0]).toBe(0xc7); // new format, tag 7
  expect(findSecretMaterial(carolSecret())).toEqual([{ kind: "binary OpenPGP secret key", line: 1 }]);
});

/** What a repository normally holds, in every encoding the scan reads: none of it is a private key. */
async function normalContent(): Promise<Record<string, Uint8Array | string>> {
  const ca = repo().pki.certificates.ca;
  const certificateDer = openssl(["x509", "-outform", "DER"], ca);
  const { csr } = makeCsr("/CN=alice/O=developers");
  const csrDer = openssl(["req", "-outform", "DER"], csr);
  const publicKeyDer = openssl(
    ["pkey", "-pubout", "-outform", "DER"],
    openssl(["genpkey", "-algorithm", "ed25519"]),
  );
  const alice = ids().alice;
  const publicBinary = alice.exportPublic(false);
  const signatureBinary = alice.detachSign(csr, { armor: false });
  const message = ids().bot.encryptTo(new TextEncoder().encode("secret"), [ids().bot.fingerprint], false);
  return {
    ...repo().files,
    "misc/alice.gpg": publicBinary,
    "misc/ca.der": certificateDer,
    "misc/req.der": csrDer,
    "misc/pub.der": publicKeyDer,
    "misc/signature.sig": signatureBinary,
    "misc/message.gpg": message,
    "misc/random.bin": randomBytes(1024 * 1024),
    "misc/public.json": JSON.stringify({
      certificate: base64(certificateDer),
      csr: base64(csrDer),
      publicKey: base64(publicKeyDer),
      openpgp: base64(publicBinary),
      signature: base64(signatureBinary),
      message: base64(message),
      wrapped: wrapped(base64(certificateDer), 64).join("\n"),
    }),
    "misc/tokens.txt": Array.from({ length: 2000 }, () => randomBytes(96).toString("base64")).join("\n"),
  };
}

it("flags none of a repository's normal content: keys, messages, certificates, CSRs, signatures, YAML, random bytes", async () => {
  const files = await normalContent();
  for (const [path, content] of Object.entries(files)) {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    expect(findSecretMaterial(bytes), path).toEqual([]);
  }
  const { findings } = await verifyTree(withFiles(files), { now: repo().now });
  expect(findings.filter((f) => f.rule === "secret.private-key")).toEqual([]);
});

it.each([
  ["one 8 MB base64 line", () => `{"k":"${"QUJD".repeat(2_000_000)}"}`],
  ["8 MB of base64 lines joined by \\n escapes", () => `"${`${"QUJD".repeat(16)}\\n`.repeat(120_000)}"`],
  ["8 MB of four-letter words", () => "abcd ".repeat(1_600_000)],
  ["8 MB of short base64 runs", () => "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC!".repeat(250_000)],
])("stays linear on %s", (_name, make) => {
  const bytes = new TextEncoder().encode(make());
  const started = performance.now();
  expect(findSecretMaterial(bytes)).toEqual([]);
  expect(performance.now() - started).toBeLessThan(1000);
});

it("stays linear on 8 MB of random bytes", () => {
  const bytes = randomBytes(8 * 1024 * 1024);
  const started = performance.now();
  expect(findSecretMaterial(bytes)).toEqual([]);
  expect(performance.now() - started).toBeLessThan(1000);
});
