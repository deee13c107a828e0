import { x509 } from "./x509.js";
import { readSinglePem } from "./pem.js";
import { describeKeyObject, publicKeyObject, type PublicKeyFacts } from "./describe-public-key.js";
import { verifyCsrSignature } from "./verify-csr-signature.js";

export interface CsrFacts {
  readonly csr: x509.Pkcs10CertificateRequest;
  readonly commonNames: string[];
  readonly organizations: string[];
  /** Every subject attribute other than CN and O, as "TYPE=value". */
  readonly otherSubjectAttributes: string[];
  readonly publicKey: PublicKeyFacts;
  readonly spki: Uint8Array<ArrayBuffer>;
  readonly selfSignatureValid: boolean;
  /** Requested extensions, described for people; they are never copied into a certificate. */
  readonly requestedExtensions: string[];
  readonly requestsCa: boolean;
}

export type CsrRead = { ok: true; facts: CsrFacts } | { ok: false; detail: string };

const NAMES: Record<string, string> = {
  "2.5.29.19": "basicConstraints",
  "2.5.29.15": "keyUsage",
  "2.5.29.37": "extendedKeyUsage",
  "2.5.29.17": "subjectAltName",
  "2.5.29.14": "subjectKeyIdentifier",
};

/** Parse a PEM PKCS#10 CSR and check its self-signature. */
export async function readCsr(bytes: Uint8Array): Promise<CsrRead> {
  let pem = readSinglePem(bytes, "CERTIFICATE REQUEST");
  if (!pem.ok && pem.detail.includes('"NEW CERTIFICATE REQUEST"'))
    pem = readSinglePem(bytes, "NEW CERTIFICATE REQUEST");
  if (!pem.ok) return pem;
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem.der);
  } catch (cause) {
    return { ok: false, detail: `the CSR does not parse: ${reason(cause)}` };
  }
  const spki = new Uint8Array(csr.publicKey.rawData);
  const keyObject = publicKeyObject(spki);
  const selfSignatureValid = keyObject !== null && (await verifyCsrSignature(pem.der, csr, keyObject));
  const commonNames: string[] = [];
  const organizations: string[] = [];
  const otherSubjectAttributes: string[] = [];
  for (const attribute of csr.subjectName.toJSON()) {
    for (const [type, values] of Object.entries(attribute)) {
      for (const value of values) {
        if (type === "CN") commonNames.push(value);
        else if (type === "O") organizations.push(value);
        else otherSubjectAttributes.push(`${type}=${value}`);
      }
    }
  }
  let requestsCa = false;
  const requestedExtensions = csr.extensions.map((extension) => {
    if (extension instanceof x509.BasicConstraintsExtension && extension.ca) requestsCa = true;
    const name = NAMES[extension.type] ?? extension.type;
    return extension instanceof x509.BasicConstraintsExtension ? `${name} (CA:${extension.ca})` : name;
  });
  return {
    ok: true,
    facts: {
      csr,
      commonNames,
      organizations,
      otherSubjectAttributes,
      publicKey: keyObject === null ? { type: "other", description: "an unreadable public key" } : describeKeyObject(keyObject),
      spki,
      selfSignatureValid,
      requestedExtensions,
      requestsCa,
    },
  };
}

function reason(cause: unknown): string {
  return (cause instanceof Error ? cause.message : String(cause)).split("\n")[0]!.slice(0, 200);
}
