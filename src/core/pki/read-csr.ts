import { decodeExtensions } from "./certificate-extensions.js";
import { bytesOf, childrenOf, contentOf, decodeOid, readSingleNode, type DerNode } from "./der.js";
import { describeKeyObject, publicKeyObject, type PublicKeyFacts } from "./describe-public-key.js";
import { readName } from "./distinguished-name.js";
import { readSinglePem } from "./pem.js";
import { signatureAlgorithmName, verifyDerSignature } from "./verify-der-signature.js";

export interface CsrFacts {
  readonly commonNames: string[];
  readonly organizations: string[];
  /** Every subject attribute other than CN and O, as "TYPE=value". */
  readonly otherSubjectAttributes: string[];
  readonly publicKey: PublicKeyFacts;
  readonly spki: Uint8Array<ArrayBuffer>;
  readonly selfSignatureValid: boolean;
  /** The signature algorithm's name, or null when it is not one we accept. */
  readonly signatureAlgorithm: string | null;
  /** Requested extensions, described for people; they are never copied into a certificate. */
  readonly requestedExtensions: string[];
  readonly requestsCa: boolean;
}

export type CsrRead = { ok: true; facts: CsrFacts } | { ok: false; detail: string };

const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const NAMES: Record<string, string> = {
  "2.5.29.19": "basicConstraints",
  "2.5.29.15": "keyUsage",
  "2.5.29.37": "extendedKeyUsage",
  "2.5.29.17": "subjectAltName",
  "2.5.29.14": "subjectKeyIdentifier",
};

/**
 * Parse a PEM PKCS#10 CSR (RFC 2986) and check its self-signature over the exact
 * CertificationRequestInfo bytes.
 */
export function readCsr(bytes: Uint8Array): CsrRead {
  let pem = readSinglePem(bytes, "CERTIFICATE REQUEST");
  if (!pem.ok && pem.detail.includes('"NEW CERTIFICATE REQUEST"'))
    pem = readSinglePem(bytes, "NEW CERTIFICATE REQUEST");
  if (!pem.ok) return pem;
  try {
    return { ok: true, facts: csrFromDer(pem.der) };
  } catch (cause) {
    return { ok: false, detail: `the CSR does not parse: ${(cause as Error).message.split("\n")[0]}` };
  }
}

function csrFromDer(der: Uint8Array<ArrayBuffer>): CsrFacts {
  const outer = readSingleNode(der);
  if (outer.tag !== 0x30) throw new Error("not a DER SEQUENCE");
  const [info, algorithm, signature] = childrenOf(der, outer);
  if (info === undefined || algorithm === undefined || signature?.tag !== 0x03)
    throw new Error("not a CertificationRequest");
  const [version, subject, spkiNode, attributes] = childrenOf(der, info);
  if (version?.tag !== 0x02 || subject?.tag !== 0x30 || spkiNode?.tag !== 0x30)
    throw new Error("not a CertificationRequestInfo");
  const name = readName(der, subject);
  const spki = new Uint8Array(bytesOf(der, spkiNode));
  const keyObject = publicKeyObject(spki);
  if (keyObject === null) throw new Error("its public key does not parse");
  const algorithmOid = decodeOid(contentOf(der, childrenOf(der, algorithm)[0]!));
  const signatureBits = contentOf(der, signature);
  const selfSignatureValid =
    signatureBits[0] === 0 &&
    verifyDerSignature(algorithmOid, bytesOf(der, info), signatureBits.subarray(1), keyObject);

  const extensions = readExtensionRequest(der, attributes);
  return {
    commonNames: name.commonNames,
    organizations: name.organizations,
    otherSubjectAttributes: name.others,
    publicKey: describeKeyObject(keyObject),
    spki,
    selfSignatureValid,
    signatureAlgorithm: signatureAlgorithmName(algorithmOid),
    requestedExtensions: extensions.oids.map((oid) =>
      oid === "2.5.29.19"
        ? `basicConstraints (CA:${extensions.basicConstraints?.ca === true})`
        : (NAMES[oid] ?? oid),
    ),
    requestsCa: extensions.basicConstraints?.ca === true,
  };
}

/** The extensionRequest attribute ([0] attributes → SET → SEQUENCE OF Extension), if any. */
function readExtensionRequest(der: Uint8Array, attributes: DerNode | undefined) {
  for (const attribute of attributes?.tag === 0xa0 ? childrenOf(der, attributes) : []) {
    const [type, values] = childrenOf(der, attribute);
    if (type && values && decodeOid(contentOf(der, type)) === EXTENSION_REQUEST) {
      return decodeExtensions(der, childrenOf(der, values)[0]);
    }
  }
  return decodeExtensions(der, undefined);
}
