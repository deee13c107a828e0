import type { KawsConfig } from "../../config/kaws-config.js";
import { error, warning, type Finding } from "../../findings.js";
import { verifyDetachedSignature } from "../../openpgp/verify-detached-signature.js";
import { certificateKeyWeakness } from "../../pki/describe-public-key.js";
import { readCsr, type CsrFacts } from "../../pki/read-csr.js";
import { clusterFile } from "../../tree/classify-path.js";
import { isLoaded, type AdminFiles } from "../repo-model.js";
import type { KnownKey } from "../known-key.js";
import { allKeyIds } from "../../openpgp/public-key-facts.js";

/** Groups that grant unrestricted control of a cluster: requests for them are called out. */
export const PRIVILEGED_GROUPS = new Set(["system:masters"]);

export interface CsrCheck {
  readonly findings: Finding[];
  readonly facts: CsrFacts | null;
  /** Fingerprint of the key whose signature verified, when it did. */
  readonly signerFingerprint: string | null;
}

export interface SignerKeys {
  /** The key each login's CSR signatures are checked against (the default branch's, in a PR). */
  readonly lookup: (login: string) => { known: KnownKey; isNew: boolean } | undefined;
  /** Every known key, to name who made a signature by the wrong key. */
  readonly everyone: readonly KnownKey[];
}

/** Invariants 4 and 5 for one `admins/<login>.csr` and its detached signature. */
export async function checkCsr(
  cluster: string,
  login: string,
  files: AdminFiles,
  config: KawsConfig | null,
  signers: SignerKeys,
  now: Date,
): Promise<CsrCheck> {
  const csrPath = clusterFile.csr(cluster, login);
  const signaturePath = clusterFile.csrSignature(cluster, login);
  if (files.csr === undefined) {
    const findings: Finding[] = [];
    if (files.signature)
      findings.push(
        error(
          "csr.missing",
          signaturePath,
          `a signature without ${csrPath}: add the CSR or remove the signature`,
        ),
      );
    return { findings, facts: null, signerFingerprint: null };
  }
  if (!isLoaded(files.csr)) return { findings: [], facts: null, signerFingerprint: null };
  const read = readCsr(files.csr.bytes);
  if (!read.ok) {
    return {
      findings: [
        error(
          "csr.unreadable",
          csrPath,
          `${read.detail}: make it with \`kaws admin request\` or \`openssl req -new\``,
        ),
      ],
      facts: null,
      signerFingerprint: null,
    };
  }
  const facts = read.facts;
  const findings = judgeCsrContent(facts, csrPath, login, config);
  const signature = await checkCsrSignature(files, csrPath, signaturePath, login, signers, now);
  findings.push(...signature.findings);
  return { findings, facts, signerFingerprint: signature.signerFingerprint };
}

/** The CSR itself; `config` null (broken) skips the allowed-groups rule, which its own finding explains. */
function judgeCsrContent(facts: CsrFacts, path: string, login: string, config: KawsConfig | null): Finding[] {
  const findings: Finding[] = [];
  if (!facts.selfSignatureValid) {
    findings.push(
      error(
        "csr.self-signature",
        path,
        facts.signatureAlgorithm === null
          ? "the CSR is signed with an algorithm kaws does not accept: use ECDSA, RSA (PKCS#1 v1.5) with SHA-256 or better, or Ed25519"
          : "the CSR's own signature does not verify: it was altered or is broken; make a new one",
      ),
    );
  }
  if (facts.commonNames.length !== 1 || facts.commonNames[0] !== login) {
    findings.push(
      error(
        "csr.subject",
        path,
        `the subject CN is "${facts.commonNames.join(", ")}", it must be exactly "${login}" (the login in the file name)`,
      ),
    );
  }
  if (facts.otherSubjectAttributes.length > 0) {
    findings.push(
      warning(
        "csr.subject.ignored",
        path,
        `subject attributes ${facts.otherSubjectAttributes.join(", ")} are ignored: the certificate carries only CN and O`,
      ),
    );
  }
  const notAllowed =
    config === null ? [] : facts.organizations.filter((group) => !config.allowed_groups.includes(group));
  if (notAllowed.length > 0) {
    findings.push(
      error(
        "csr.group.not-allowed",
        path,
        `groups (O) not in allowed_groups of .github/kaws.yml: ${notAllowed.join(", ")}`,
      ),
    );
  }
  for (const group of facts.organizations.filter((g) => PRIVILEGED_GROUPS.has(g))) {
    findings.push(
      warning(
        "csr.group.privileged",
        path,
        `requests ${group}: unrestricted control of the cluster, beyond any RBAC rule`,
      ),
    );
  }
  const weakness = certificateKeyWeakness(facts.publicKey);
  if (weakness !== null) findings.push(error("csr.weak-key", path, `${weakness}: make a new key and CSR`));
  if (facts.requestsCa) {
    findings.push(
      error(
        "csr.ca-requested",
        path,
        "the CSR asks to be a CA (basicConstraints CA:true): an admin certificate never is one; make a new CSR without it",
      ),
    );
  }
  if (facts.requestedExtensions.length > 0) {
    findings.push(
      warning(
        "csr.extensions.ignored",
        path,
        `requested extensions (${facts.requestedExtensions.join(", ")}) are not copied into the certificate`,
      ),
    );
  }
  return findings;
}

async function checkCsrSignature(
  files: AdminFiles,
  csrPath: string,
  signaturePath: string,
  login: string,
  signers: SignerKeys,
  now: Date,
): Promise<{ findings: Finding[]; signerFingerprint: string | null }> {
  if (files.signature === undefined) {
    return {
      findings: [
        error(
          "csr.signature.missing",
          signaturePath,
          `no detached signature for ${csrPath}: run \`gpg --armor --detach-sign ${csrPath}\` with your key`,
        ),
      ],
      signerFingerprint: null,
    };
  }
  if (!isLoaded(files.signature) || !isLoaded(files.csr)) return { findings: [], signerFingerprint: null };
  const signer = signers.lookup(login);
  if (signer === undefined) {
    return {
      findings: [
        error(
          "csr.signature.no-key",
          signaturePath,
          `pubkeys/${login}.asc is missing or unusable, so the signature cannot be checked: add your public key`,
        ),
      ],
      signerFingerprint: null,
    };
  }
  const findings: Finding[] = [];
  if (!signer.known.sound) {
    findings.push(
      error(
        "csr.signature.key-invalid",
        signaturePath,
        `the signing key ${signer.known.fingerprint} is expired, revoked or otherwise unusable (see ${signer.known.path})`,
      ),
    );
  }
  const result = await verifyDetachedSignature(files.csr.bytes, files.signature.bytes, signer.known.key, now);
  if (!result.ok) {
    findings.push(signatureFailure(result, signaturePath, login, signer.known, signers.everyone));
    return { findings, signerFingerprint: null };
  }
  if (signer.isNew) {
    findings.push(
      warning(
        "csr.signature.new-key",
        signaturePath,
        `signed by ${signer.known.fingerprint}, a key new in this change: confirm the fingerprint with ${login} out of band`,
      ),
    );
  }
  return {
    findings,
    signerFingerprint: findings.some((f) => f.severity === "error") ? null : result.signerFingerprint,
  };
}

function signatureFailure(
  result: Extract<Awaited<ReturnType<typeof verifyDetachedSignature>>, { ok: false }>,
  path: string,
  login: string,
  expected: KnownKey,
  everyone: readonly KnownKey[],
): Finding {
  switch (result.reason) {
    case "unreadable":
      return error(
        "csr.signature.unreadable",
        path,
        `not an OpenPGP detached signature (${result.detail}): sign with \`gpg --armor --detach-sign\``,
      );
    case "not-one-signature":
      return error("csr.signature.unreadable", path, `${result.detail}: sign once, with your own key`);
    case "wrong-signer": {
      const issuer = result.issuerKeyIds[0] ?? "";
      const owner = everyone.find((known) => known !== expected && allKeyIds(known.key).includes(issuer));
      const who = owner
        ? `${owner.path} (${owner.fingerprint})`
        : `key ID ${issuer.toUpperCase()}, which is not ${login}'s`;
      return error(
        "csr.signature.wrong-signer",
        path,
        `signed by ${who}; it must be signed by ${login}'s own key ${expected.fingerprint}`,
      );
    }
    case "bad-signature":
      return error(
        "csr.signature.bad",
        path,
        `the signature does not verify over the CSR's exact bytes (${result.detail}): sign the committed file again`,
      );
  }
}
