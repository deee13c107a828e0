import { beforeAll, describe, expect, it } from "vitest";
import { parseClusterSpec } from "../../src/core/config/cluster-spec.js";
import { generateClusterPki, type ClusterPki } from "../../src/core/pki/generate-cluster-pki.js";
import { issueClientCertificate } from "../../src/core/pki/issue-client-certificate.js";
import { judgeAdminCertificate } from "../../src/core/pki/judge-admin-certificate.js";
import {
  judgeCaCertificate,
  judgeComponentCertificate,
} from "../../src/core/pki/judge-cluster-certificate.js";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { readCsr } from "../../src/core/pki/read-csr.js";
import { importSigningKey } from "../../src/core/pki/signing-key.js";
import type { Certificate } from "../../src/core/pki/read-certificate.js";
import { CLUSTER_YML } from "../helpers/build-repo.js";
import {
  makeCsr,
  opensslSelfSignedCa,
  opensslSignCsr,
  opensslVerify,
  type CsrKey,
} from "../helpers/openssl.js";
import { run } from "../helpers/run.js";

const now = new Date();
const spec = parseClusterSpec(new TextEncoder().encode(CLUSTER_YML), "clusters/prod/cluster.yml");
let pki: ClusterPki;
let ca: Certificate;

function certificate(pem: string): Certificate {
  const read = readCertificate(new TextEncoder().encode(pem));
  if (!read.ok) throw new Error(read.detail);
  return read.certificate;
}

beforeAll(async () => {
  pki = await generateClusterPki("prod", spec, now);
  ca = certificate(pki.certificates.ca);
});

describe("CSRs made by openssl", () => {
  it.each<[CsrKey, string]>([
    ["ec-p256", "EC P-256"],
    ["ec-p384", "EC P-384"],
    ["rsa2048", "RSA-2048"],
    ["ed25519", "Ed25519"],
  ])("parse with a valid self-signature (%s)", async (key, description) => {
    const { csr } = makeCsr("/CN=alice/O=developers/O=ops", key);
    const read = readCsr(csr);
    if (!read.ok) throw new Error(read.detail);
    expect(read.facts).toMatchObject({
      commonNames: ["alice"],
      organizations: ["developers", "ops"],
      selfSignatureValid: true,
    });
    expect(read.facts.publicKey.description).toBe(description);
  });
});

describe("certificates issued by the core", () => {
  it.each<CsrKey>(["ec-p256", "rsa2048", "ed25519"])(
    "pass openssl verify -x509_strict -purpose sslclient (%s CSR)",
    async (key) => {
      const { csr } = makeCsr("/CN=alice/O=developers", key);
      const read = readCsr(csr);
      if (!read.ok) throw new Error(read.detail);
      const issued = await issueClientCertificate({
        csr: read.facts,
        login: "alice",
        groups: ["developers"],
        ca,
        caKey: await importSigningKey(pki.privateKeys.ca),
        days: 90,
        now,
      });
      const verdict = opensslVerify(pki.certificates.ca, issued.pem, "sslclient");
      expect(verdict.stdout + verdict.stderr).toContain("OK");
      expect(verdict.status).toBe(0);
      expect(opensslVerify(pki.certificates.ca, issued.pem, "sslserver").status).not.toBe(0);
      const text = run("openssl", ["x509", "-noout", "-text"], { input: issued.pem }).toString();
      expect(text).toMatch(/CA:FALSE/);
      expect(text).toMatch(/TLS Web Client Authentication\s*\n/);
      expect(text).toMatch(/Subject: CN ?= ?alice, O ?= ?developers/);
      expect(issued.serial).toMatch(/^[0-9a-f]{32}$/);
      expect(await judgeAdminCertificate(certificate(issued.pem), read.facts, ca, 90, now)).toEqual([]);
    },
  );

  it("signs with PKCS#1 RSA and SEC1 EC CA keys made by openssl", async () => {
    for (const keyArgs of [
      ["genrsa", "-traditional", "2048"],
      ["ecparam", "-name", "prime256v1", "-genkey", "-noout"],
    ]) {
      const keyPem = run("openssl", keyArgs).toString();
      expect(keyPem).toMatch(/BEGIN (RSA|EC) PRIVATE KEY/);
      const signingKey = await importSigningKey(keyPem);
      expect(signingKey.key.type).toBe("private");
    }
  });
});

describe("a certificate and its CA's end", () => {
  it("never outlives the CA that signs it: it ends with the CA, and says so; its SHA-256 fingerprint is openssl's", async () => {
    const shortCa = opensslSelfSignedCa("/CN=kaws short-lived CA"); // 30 days
    const caCertificate = certificate(shortCa.cert);
    const { csr } = makeCsr("/CN=alice/O=developers");
    const read = readCsr(csr);
    if (!read.ok) throw new Error(read.detail);
    const input = {
      csr: read.facts,
      login: "alice",
      groups: ["developers"],
      ca: caCertificate,
      caKey: await importSigningKey(shortCa.key),
      now,
    };
    const capped = await issueClientCertificate({ ...input, days: 90 });
    expect(capped.cappedAtCa).toBe(true);
    const end = (pem: string) => run("openssl", ["x509", "-noout", "-enddate"], { input: pem }).toString();
    expect(end(capped.pem)).toBe(end(shortCa.cert));
    expect(opensslVerify(shortCa.cert, capped.pem, "sslclient").status).toBe(0);
    const fingerprint = run("openssl", ["x509", "-noout", "-fingerprint", "-sha256"], { input: capped.pem })
      .toString()
      .trim()
      .split("=")[1]!
      .replaceAll(":", "");
    expect(capped.fingerprintSha256).toBe(fingerprint);

    const within = await issueClientCertificate({ ...input, days: 7 });
    expect(within.cappedAtCa).toBe(false);
    expect(within.notAfter.getTime()).toBeLessThan(caCertificate.notAfter.getTime());
  });
});

describe("cluster PKI generated by the core", () => {
  it("has a CA, a master accepted as sslserver with the cluster.yml SANs, and a node accepted as sslclient", async () => {
    expect(opensslVerify(pki.certificates.ca, pki.certificates.master, "sslserver").status).toBe(0);
    expect(opensslVerify(pki.certificates.ca, pki.certificates.node, "sslclient").status).toBe(0);
    const text = run("openssl", ["x509", "-noout", "-ext", "subjectAltName"], {
      input: pki.certificates.master,
    }).toString();
    for (const san of [
      "DNS:k8s.example.com",
      "DNS:kubernetes.default.svc.cluster.local",
      "IP Address:10.3.0.1",
    ])
      expect(text).toContain(san);
    expect(await judgeCaCertificate(ca, now)).toEqual([]);
    expect(
      await judgeComponentCertificate("master", certificate(pki.certificates.master), ca, spec, now),
    ).toEqual([]);
    expect(
      await judgeComponentCertificate("node", certificate(pki.certificates.node), ca, spec, now),
    ).toEqual([]);
  });

  it("keeps private keys that openssl reads as P-256 keys", () => {
    const text = run("openssl", ["pkey", "-noout", "-text"], { input: pki.privateKeys.master }).toString();
    expect(text).toMatch(/NIST CURVE: P-256|prime256v1/);
  });

  it("judges an openssl-issued serverAuth certificate as outside the client profile", async () => {
    const foreign = opensslSelfSignedCa("/CN=foreign CA");
    const { csr } = makeCsr("/CN=alice");
    const read = readCsr(csr);
    if (!read.ok) throw new Error(read.detail);
    const pem = opensslSignCsr(csr, foreign, "extendedKeyUsage=serverAuth\n");
    const problems = await judgeAdminCertificate(certificate(pem), read.facts, ca, 90, now);
    expect(problems.map((p) => p.rule)).toEqual(
      expect.arrayContaining(["admin-cert.chain", "admin-cert.profile"]),
    );
  });
});
