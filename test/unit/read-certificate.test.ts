import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseClusterSpec } from "../../src/core/config/cluster-spec.js";
import { generateClusterPki, type ClusterPki } from "../../src/core/pki/generate-cluster-pki.js";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { x509 } from "../../src/core/pki/x509.js";
import { CLUSTER_YML } from "../helpers/build-repo.js";
import { NEWKEY } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";

const dir = mkdtempSync(join(tmpdir(), "kaws-certs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let pki: ClusterPki;
const samples: Record<string, string> = {};

function openssl(name: string, subject: string, extensions: string, extra: string[] = []): string {
  const out = join(dir, `${name}.pem`);
  writeFileSync(join(dir, `${name}.cnf`), `[req]\ndistinguished_name=dn\n[dn]\n[ext]\n${extensions}`);
  run("openssl", [
    "req",
    "-x509",
    ...NEWKEY["ec-p256"],
    "-nodes",
    "-keyout",
    join(dir, `${name}.key`),
    "-subj",
    subject,
    "-config",
    join(dir, `${name}.cnf`),
    "-extensions",
    "ext",
    "-out",
    out,
    ...extra,
  ]);
  return readFileSync(out, "utf8");
}

beforeAll(async () => {
  pki = await generateClusterPki(
    "prod",
    parseClusterSpec(new TextEncoder().encode(CLUSTER_YML), "c"),
    new Date(),
  );
  Object.assign(samples, pki.certificates);
  samples.rich = openssl(
    "rich",
    "/CN=rich/O=a/O=b/OU=c",
    "basicConstraints=critical,CA:true,pathlen:3\nkeyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,keyCertSign,cRLSign\nextendedKeyUsage=serverAuth,clientAuth,codeSigning\nsubjectAltName=DNS:a.example,IP:192.0.2.7,IP:2001:db8::1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    ["-days", "20000"],
  );
  samples.bare = openssl("bare", "/CN=bare", "subjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n", [
    "-days",
    "1",
  ]);
  samples.multivalued = openssl("mv", "/CN=x+O=y/O=z", "basicConstraints=CA:false\n", [
    "-multivalue-rdn",
    "-days",
    "2",
  ]);
});

describe("readCertificate agrees with @peculiar/x509 and openssl", () => {
  it.each(["ca", "master", "node", "rich", "bare", "multivalued"])("on %s", (name) => {
    const pem = samples[name]!;
    const read = readCertificate(new TextEncoder().encode(pem));
    if (!read.ok) throw new Error(read.detail);
    const ours = read.certificate;
    const theirs = new x509.X509Certificate(pem);
    expect(ours.subject.commonNames).toEqual(theirs.subjectName.getField("CN"));
    expect(ours.subject.organizations).toEqual(theirs.subjectName.getField("O"));
    expect(ours.notBefore.getTime()).toBe(theirs.notBefore.getTime());
    expect(ours.notAfter.getTime()).toBe(theirs.notAfter.getTime());
    expect(ours.serialNumber).toBe(theirs.serialNumber.toLowerCase());
    expect(ours.fingerprintSha256).toBe(
      run("openssl", ["x509", "-noout", "-fingerprint", "-sha256"], { input: pem })
        .toString()
        .split("=")[1]!
        .trim()
        .replaceAll(":", ""),
    );
    expect(ours.extensions.oids).toEqual(theirs.extensions.map((e) => e.type));
    const bc = theirs.getExtension(x509.BasicConstraintsExtension);
    expect(ours.extensions.basicConstraints).toEqual(
      bc
        ? {
            ca: bc.ca,
            critical: bc.critical,
            ...(bc.pathLength === undefined ? {} : { pathLength: bc.pathLength }),
          }
        : null,
    );
    const ku = theirs.getExtension(x509.KeyUsagesExtension);
    expect(ours.extensions.keyUsage).toEqual(ku ? { flags: ku.usages, critical: ku.critical } : null);
    expect(ours.extensions.extKeyUsage).toEqual(
      theirs.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? null,
    );
    expect(ours.extensions.subjectKeyId).toEqual(
      theirs.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? null,
    );
    expect(ours.extensions.authorityKeyId).toEqual(
      theirs.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId ?? null,
    );
    const san = theirs.getExtension(x509.SubjectAlternativeNameExtension);
    const sanText = san
      ? run("openssl", ["x509", "-noout", "-ext", "subjectAltName"], { input: pem }).toString()
      : "";
    for (const ip of ours.extensions.subjectAltName?.ip ?? [])
      expect(sanText.replace(/:0:0:0:0:0:/, "::").toLowerCase()).toContain(
        ip.replace(/:0:0:0:0:0:/, "::").toLowerCase(),
      );
    expect(ours.extensions.subjectAltName?.dns ?? []).toEqual(
      san?.names.items.filter((n) => n.type === "dns").map((n) => n.value) ?? [],
    );
  });

  it("reads the exact SANs and IPv6 addresses", () => {
    const read = readCertificate(new TextEncoder().encode(samples.rich!));
    if (!read.ok) throw new Error(read.detail);
    expect(read.certificate.extensions.subjectAltName).toEqual({
      dns: ["a.example"],
      ip: ["192.0.2.7", "2001:db8:0:0:0:0:0:1"],
    });
    expect(read.certificate.notAfter.getUTCFullYear()).toBeGreaterThan(2050); // GeneralizedTime
  });

  it.each([
    ["a truncated DER body", (der: Buffer) => der.subarray(0, der.length - 10)],
    [
      "a length that overruns",
      (der: Buffer) =>
        Buffer.concat([der.subarray(0, 1), Buffer.from([0x84, 0xff, 0xff, 0xff, 0xff]), der.subarray(4)]),
    ],
    ["random bytes", () => Buffer.from("3003020101ff", "hex")],
  ])("rejects %s with a message", (_name, mangle) => {
    const der = run("openssl", ["x509", "-outform", "DER"], { input: samples.master! });
    const pem = `-----BEGIN CERTIFICATE-----\n${mangle(der).toString("base64")}\n-----END CERTIFICATE-----\n`;
    const read = readCertificate(new TextEncoder().encode(pem));
    expect(read).toMatchObject({ ok: false, detail: expect.stringContaining("does not parse") });
  });
});
