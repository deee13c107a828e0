import type { KeyObject } from "node:crypto";
import { x509 } from "./x509.js";
import { readSinglePem } from "./pem.js";
import { publicKeyObject } from "./describe-public-key.js";
import { verifyDerSignature } from "./verify-der-signature.js";

export type CertificateRead = { ok: true; certificate: x509.X509Certificate } | { ok: false; detail: string };

export function readCertificate(bytes: Uint8Array): CertificateRead {
  const pem = readSinglePem(bytes, "CERTIFICATE");
  if (!pem.ok) return pem;
  try {
    return { ok: true, certificate: new x509.X509Certificate(pem.der) };
  } catch (cause) {
    return { ok: false, detail: `the certificate does not parse: ${(cause as Error).message?.split("\n")[0]}` };
  }
}

// An issuer's key is imported once, however many certificates it signed.
const issuerKeys = new WeakMap<x509.X509Certificate, KeyObject | null>();

/**
 * True when `certificate` names `issuer` as its issuer and was signed by `issuer`'s key. Building a
 * chain is not validating it: dates and profile are checked apart.
 */
export async function isSignedBy(certificate: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (certificate.issuer !== issuer.subject) return false;
  let key = issuerKeys.get(issuer);
  if (key === undefined) {
    key = publicKeyObject(issuer.publicKey.rawData);
    issuerKeys.set(issuer, key);
  }
  if (key === null) return false;
  const signed = { der: new Uint8Array(certificate.rawData), signatureAlgorithm: certificate.signatureAlgorithm, signature: certificate.signature };
  const native = verifyDerSignature(signed, key);
  if (native !== null) return native;
  try {
    return await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

const indexes = new WeakMap<x509.X509Certificate, ExtensionIndex>();

/** A certificate's extensions, parsed once (the library re-parses them on every lookup). */
export function extensionsOf(certificate: x509.X509Certificate): ExtensionIndex {
  let index = indexes.get(certificate);
  if (index === undefined) {
    index = new ExtensionIndex(certificate);
    indexes.set(certificate, index);
  }
  return index;
}

export class ExtensionIndex {
  private readonly all: readonly x509.Extension[];
  constructor(certificate: x509.X509Certificate) {
    this.all = certificate.extensions;
  }
  get<T extends x509.Extension>(type: abstract new (...args: never[]) => T): T | null {
    return (this.all.find((extension) => extension instanceof type) as T | undefined) ?? null;
  }
  types(): string[] {
    return this.all.map((extension) => extension.type);
  }
}

export function subjectValues(name: x509.Name, type: string): string[] {
  return name.toJSON().flatMap((attribute) => attribute[type] ?? []);
}
