import { describe, expect, it } from "vitest";
import { readCsr } from "../../src/core/pki/read-csr.js";
import { x509 } from "../../src/core/pki/x509.js";
import { makeCsr, type CsrKey } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";

describe("readCsr agrees with @peculiar/x509 on CSRs made by openssl", () => {
  it.each<[CsrKey, string, string[]]>([
    ["ec-p256", "/CN=alice/O=developers/O=ops", []],
    ["rsa2048", "/C=US/ST=CA/CN=bob/OU=team", ["-addext", "subjectAltName=DNS:x.example"]],
    [
      "ed25519",
      "/CN=carol",
      ["-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=keyCertSign"],
    ],
    ["ec-p384", "/CN=dave+O=grp", ["-multivalue-rdn", "-addext", "extendedKeyUsage=serverAuth"]],
  ])("%s %s", (key, subject, args) => {
    const { csr } = makeCsr(subject, key, args);
    const read = readCsr(csr);
    if (!read.ok) throw new Error(read.detail);
    const theirs = new x509.Pkcs10CertificateRequest(csr.toString());
    expect(read.facts.commonNames).toEqual(theirs.subjectName.getField("CN"));
    expect(read.facts.organizations).toEqual(theirs.subjectName.getField("O"));
    expect(read.facts.otherSubjectAttributes.length).toBe(
      theirs.subjectName
        .toJSON()
        .flatMap((a) => Object.keys(a))
        .filter((t) => t !== "CN" && t !== "O").length,
    );
    expect(Buffer.from(read.facts.spki)).toEqual(Buffer.from(theirs.publicKey.rawData));
    expect(read.facts.requestedExtensions.length).toBe(theirs.extensions.length);
    const text = run("openssl", ["req", "-noout", "-text"], { input: csr }).toString();
    expect(read.facts.requestsCa).toBe(text.includes("CA:TRUE"));
    expect(read.facts.selfSignatureValid).toBe(true);
  });

  it.each([
    ["RSA-PSS", ["-sigopt", "rsa_padding_mode:pss"]],
    ["SHA-1", ["-sha1"]],
  ])("does not accept a %s self-signature, and names no algorithm", (_name, args) => {
    const { csr } = makeCsr("/CN=alice", "rsa2048", args);
    const read = readCsr(csr);
    if (!read.ok) throw new Error(read.detail);
    expect(read.facts).toMatchObject({ selfSignatureValid: false, signatureAlgorithm: null });
  });
});
