import { x509 } from "./x509.js";
import { toPem } from "./pem.js";
import { adminSubject, BACKDATE_MS, DAY_MS } from "./client-profile.js";
import { defaultRandom, randomSerial, type SigningKey } from "./signing-key.js";
import type { CsrFacts } from "./read-csr.js";
import type { Certificate } from "./read-certificate.js";

export interface IssuedCertificate {
  readonly pem: string;
  readonly serial: string;
  readonly notAfter: Date;
  readonly fingerprintSha256: string;
  /** True when `days` would have passed the CA's own end: the certificate ends with the CA. */
  readonly cappedAtCa: boolean;
}

export interface IssueClientCertificateInput {
  readonly csr: CsrFacts;
  readonly login: string;
  readonly groups: readonly string[];
  readonly ca: Certificate;
  readonly caKey: SigningKey;
  readonly days: number;
  readonly now: Date;
  readonly random?: (length: number) => Uint8Array;
  /** Keep this validity instead (a rotation re-signs a certificate, it never extends it). */
  readonly validity?: { readonly notBefore: Date; readonly notAfter: Date };
}

/**
 * Issue an admin's client certificate with the fixed profile: CN = login, O = groups, CA:false
 * (critical), digitalSignature (+keyEncipherment for RSA), clientAuth only, SKI and AKI. Nothing
 * requested in the CSR's extensions is copied. It ends after `days`, or with the CA if that is
 * sooner.
 */
export async function issueClientCertificate(input: IssueClientCertificateInput): Promise<IssuedCertificate> {
  const { csr, ca, caKey, now } = input;
  if (!csr.selfSignatureValid) throw new Error("refusing to issue: the CSR's self-signature does not verify");
  const usages =
    csr.publicKey.type === "rsa"
      ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
      : x509.KeyUsageFlags.digitalSignature;
  const serial = randomSerial(input.random ?? defaultRandom);
  // a certificate never outlives the CA that signs it: clients would refuse it after the CA's end
  const wanted = input.validity?.notAfter ?? new Date(now.getTime() + input.days * DAY_MS);
  const notAfter = wanted.getTime() > ca.notAfter.getTime() ? ca.notAfter : wanted;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: adminSubject(input.login, input.groups),
    issuer: new x509.Name(issuerName(ca)),
    notBefore: input.validity?.notBefore ?? new Date(now.getTime() - BACKDATE_MS),
    notAfter,
    publicKey: csr.spki,
    signingKey: caKey.key,
    signingAlgorithm: caKey.signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      await x509.SubjectKeyIdentifierExtension.create(csr.spki),
      ca.extensions.subjectKeyId !== null
        ? new x509.AuthorityKeyIdentifierExtension(ca.extensions.subjectKeyId)
        : await x509.AuthorityKeyIdentifierExtension.create(new Uint8Array(ca.spki)),
    ],
  });
  const thumbprint = await certificate.getThumbprint("SHA-256");
  return {
    pem: toPem("CERTIFICATE", certificate.rawData),
    serial: certificate.serialNumber,
    notAfter: certificate.notAfter,
    fingerprintSha256: Buffer.from(thumbprint).toString("hex").toUpperCase(),
    cappedAtCa: notAfter !== wanted,
  };
}

/** The CA's subject exactly as encoded, to be the certificate's issuer. */
function issuerName(ca: Certificate): Uint8Array<ArrayBuffer> {
  return new Uint8Array(ca.subjectDer);
}
