import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, runStatus } from "./run.js";

export type CsrKey = "ec-p256" | "ec-p384" | "rsa2048" | "rsa1024" | "ed25519" | "ec-secp256k1";

export const NEWKEY: Record<CsrKey, string[]> = {
  "ec-p256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "ec-p384": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
  "ec-secp256k1": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
  rsa2048: ["-newkey", "rsa:2048"],
  rsa1024: ["-newkey", "rsa:1024"],
  ed25519: ["-newkey", "ed25519"],
};

/** A CSR made by the real `openssl req`, with its private key (kept in memory by the test). */
export function makeCsr(
  subject: string,
  key: CsrKey = "ec-p256",
  extraArgs: string[] = [],
): { csr: Buffer; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "kaws-csr-"));
  try {
    run("openssl", [
      "req",
      "-new",
      ...NEWKEY[key],
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-subj",
      subject,
      "-out",
      join(dir, "req.csr"),
      ...extraArgs,
    ]);
    return { csr: readFileSync(join(dir, "req.csr")), key: readFileSync(join(dir, "key.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl verify` with the given purpose; returns its status and output. */
export function opensslVerify(
  caPem: string,
  certPem: string,
  purpose: "sslclient" | "sslserver",
  strict = true,
  untrustedPem?: string,
) {
  const dir = mkdtempSync(join(tmpdir(), "kaws-verify-"));
  try {
    writeFileSync(join(dir, "ca.pem"), caPem);
    writeFileSync(join(dir, "cert.pem"), certPem);
    const untrusted: string[] = [];
    if (untrustedPem !== undefined) {
      writeFileSync(join(dir, "untrusted.pem"), untrustedPem);
      untrusted.push("-untrusted", join(dir, "untrusted.pem"));
    }
    const strictFlag = strict ? ["-x509_strict"] : [];
    const args = ["verify", ...strictFlag, "-purpose", purpose, "-CAfile", join(dir, "ca.pem"), ...untrusted];
    return runStatus("openssl", [...args, join(dir, "cert.pem")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sign a CSR with openssl itself, as a foreign CA would. */
export function opensslSelfSignedCa(subject: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "kaws-ca-"));
  try {
    run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      join(dir, "k.pem"),
      "-subj",
      subject,
      "-days",
      "30",
      "-out",
      join(dir, "c.pem"),
      "-addext",
      "basicConstraints=critical,CA:true",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    return { cert: readFileSync(join(dir, "c.pem"), "utf8"), key: readFileSync(join(dir, "k.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function opensslSignCsr(csr: Uint8Array, ca: { cert: string; key: string }, extfile: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kaws-sign-"));
  try {
    writeFileSync(join(dir, "req.csr"), csr);
    writeFileSync(join(dir, "ca.pem"), ca.cert);
    writeFileSync(join(dir, "ca-key.pem"), ca.key);
    writeFileSync(join(dir, "ext.cnf"), extfile);
    run("openssl", [
      "x509",
      "-req",
      "-in",
      join(dir, "req.csr"),
      "-CA",
      join(dir, "ca.pem"),
      "-CAkey",
      join(dir, "ca-key.pem"),
      "-CAcreateserial",
      "-days",
      "30",
      "-extfile",
      join(dir, "ext.cnf"),
      "-out",
      join(dir, "out.pem"),
    ]);
    return readFileSync(join(dir, "out.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
