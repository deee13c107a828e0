import { X509Certificate as NativeCertificate, createHash, type KeyObject } from "node:crypto";
import { decodeExtensions, type CertificateExtensions } from "./certificate-extensions.js";
import { bytesOf, childrenOf, contentOf, decodeTime, readSingleNode, toHex, type DerNode } from "./der.js";
import { readName, type DistinguishedName } from "./distinguished-name.js";
import { readSinglePem } from "./pem.js";

/** What the rules need of an X.509 certificate, read once from its DER. */
export interface Certificate {
  readonly der: Uint8Array<ArrayBuffer>;
  readonly serialNumber: string;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  /** The subject Name exactly as encoded, to be copied as the issuer of certificates this one signs. */
  readonly subjectDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Uint8Array;
  readonly publicKey: KeyObject;
  readonly extensions: CertificateExtensions;
  readonly fingerprintSha256: string;
  readonly native: NativeCertificate;
}

export type CertificateRead = { ok: true; certificate: Certificate } | { ok: false; detail: string };

/**
 * Parse a PEM certificate: OpenSSL (through node) must accept it, then a DER walk reads the names,
 * dates and extensions the rules judge. Nothing here decides validity: the judges do.
 */
export function readCertificate(bytes: Uint8Array): CertificateRead {
  const pem = readSinglePem(bytes, "CERTIFICATE");
  if (!pem.ok) return pem;
  try {
    return { ok: true, certificate: certificateFromDer(pem.der) };
  } catch (cause) {
    return {
      ok: false,
      detail: `the certificate does not parse: ${(cause as Error).message?.split("\n")[0]}`,
    };
  }
}

export function certificateFromDer(der: Uint8Array<ArrayBuffer>): Certificate {
  const native = new NativeCertificate(der);
  const [tbs] = childrenOf(der, readSingleNode(der));
  if (tbs === undefined) throw new Error("no tbsCertificate");
  const fields = childrenOf(der, tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const at = (index: number): DerNode => {
    const node = fields[offset + index];
    if (node === undefined) throw new Error("a truncated tbsCertificate");
    return node;
  };
  const [notBefore, notAfter] = childrenOf(der, at(3)).map((node) =>
    decodeTime(node.tag, contentOf(der, node)),
  );
  return {
    der,
    serialNumber: toHex(contentOf(der, at(0))).replace(/^00(?=[89a-f])/, ""),
    issuer: readName(der, at(2)),
    subject: readName(der, at(4)),
    subjectDer: bytesOf(der, at(4)),
    notBefore: notBefore!,
    notAfter: notAfter!,
    spki: bytesOf(der, at(5)),
    publicKey: native.publicKey,
    extensions: decodeExtensions(
      der,
      extensionList(
        der,
        fields.find((node) => node.tag === 0xa3),
      ),
    ),
    fingerprintSha256: createHash("sha256").update(der).digest("hex").toUpperCase(),
    native,
  };
}

/**
 * True when `certificate` names `issuer` as its issuer and was signed by `issuer`'s key (checked by
 * OpenSSL). Building a chain is not validating it: dates and profile are checked apart.
 */
export function isSignedBy(certificate: Certificate, issuer: Certificate): boolean {
  if (certificate.issuer.canonical !== issuer.subject.canonical) return false;
  try {
    return certificate.native.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function extensionList(der: Uint8Array, explicit: DerNode | undefined): DerNode | undefined {
  return explicit === undefined ? undefined : childrenOf(der, explicit)[0];
}
