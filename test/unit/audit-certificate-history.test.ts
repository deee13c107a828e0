import { beforeAll, describe, expect, it } from "vitest";
import {
  auditCertificateHistory,
  type AuditInput,
  type HistoryCommit,
} from "../../src/core/audit/audit-certificate-history.js";
import { sha256Hex } from "../../src/core/hash.js";
import { issueClientCertificate } from "../../src/core/pki/issue-client-certificate.js";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { readCsr } from "../../src/core/pki/read-csr.js";
import { importSigningKey } from "../../src/core/pki/signing-key.js";
import { buildRepo, type BuiltRepo } from "../helpers/build-repo.js";
import { identities } from "../helpers/identities.js";
import { run } from "../helpers/run.js";

const PEM = "clusters/prod/admins/alice.pem";
const CSR = "clusters/prod/admins/alice.csr";
let built: BuiltRepo;
let csr: Uint8Array;
let pem: Uint8Array;
let serial: string;

/** alice's certificate signed again from her CSR, with the given validity (a rotation's, or longer). */
async function resign(validity: { notBefore: Date; notAfter: Date }): Promise<Uint8Array> {
  const ca = readCertificate(new TextEncoder().encode(built.pki.certificates.ca));
  const facts = readCsr(csr);
  if (!ca.ok || !facts.ok) throw new Error("unreadable test input");
  const issued = await issueClientCertificate({
    csr: facts.facts,
    login: "alice",
    groups: ["developers"],
    ca: ca.certificate,
    caKey: await importSigningKey(built.pki.privateKeys.ca),
    days: 90,
    now: built.now,
    validity,
  });
  return new TextEncoder().encode(issued.pem);
}

const trailer = (fields: string) =>
  `kaws: issue 1 admin certificate\n\nKaws-Certificate: prod/alice ${fields}`;

/** One commit `c1` writing alice's certificate (blob `a1`) with this message, and the CSR beside it. */
function firstWrite(message: string, csrBytes: Uint8Array = csr): AuditInput {
  return {
    commits: [
      { sha: "c1", parents: [], writes: [{ path: PEM, blob: "a1", previousBlob: null }], caChanged: [] },
    ],
    messages: new Map([["c1", { commit: "c1", author: "kaws-bot[bot] <bot@example.test>", message }]]),
    blobs: new Map([["a1", pem]]),
    csrs: new Map([[`c1:${CSR}`, csrBytes]]),
  };
}

beforeAll(async () => {
  built = await buildRepo(identities());
  csr = built.files[CSR] as Uint8Array;
  pem = new TextEncoder().encode(built.files[PEM] as string);
  // the serial as openssl reads it, with leading zeros as the trailer may carry them
  serial = /^serial=(.*)$/m.exec(
    run("openssl", ["x509", "-noout", "-serial"], { input: pem }).toString(),
  )![1]!;
});

describe("auditCertificateHistory: the trailer of the commit that wrote a certificate", () => {
  it("explains a certificate whose trailer names its serial, its CSR's SHA-256 and approvers", () => {
    const audit = auditCertificateHistory(
      firstWrite(trailer(`serial=${serial} csr-sha256=${sha256Hex(csr)} approvers=carol,dave`)),
    );
    expect(audit.ok).toBe(true);
    expect(audit.certificates).toEqual([
      {
        path: PEM,
        blob: "a1",
        commit: "c1",
        author: "kaws-bot[bot] <bot@example.test>",
        subject: "kaws: issue 1 admin certificate",
        serial: serial.toLowerCase().replace(/^0+/, ""),
        explainedBy: "trailer",
        approvers: ["carol", "dave"],
        csrSha256: sha256Hex(csr),
        basis: null,
        reason: null,
      },
    ]);
  });

  it.each([
    ["no trailer", "a direct push", "its commit has no Kaws-Certificate trailer for prod/alice"],
    [
      "another serial",
      `serial=01 csr-sha256=${"0".repeat(64)} approvers=carol`,
      "names serial 01, not the certificate's",
    ],
    [
      "another CSR's SHA-256",
      `serial=SERIAL csr-sha256=${"0".repeat(64)} approvers=carol`,
      `is not the SHA-256 of ${CSR} in its commit`,
    ],
    ["no approvers", "serial=SERIAL csr-sha256=CSRSHA approvers=", "names no approvers"],
    ["an older trailer without approvers", "serial=SERIAL csr-sha256=CSRSHA", "names no approvers"],
  ])("does not explain one whose commit has %s", (_, fields, reason) => {
    const message = trailer(fields.replace("SERIAL", serial).replace("CSRSHA", sha256Hex(csr)));
    const audit = auditCertificateHistory(firstWrite(fields === "a direct push" ? fields : message));
    expect(audit.ok).toBe(false);
    expect(audit.certificates[0]).toMatchObject({
      explainedBy: null,
      reason: expect.stringContaining(reason),
    });
  });

  it("does not explain a certificate without its CSR beside it, one that does not parse, or an odd path", () => {
    const message = trailer(`serial=${serial} csr-sha256=${sha256Hex(csr)} approvers=carol`);
    const noCsr = { ...firstWrite(message), csrs: new Map() };
    expect(auditCertificateHistory(noCsr).certificates[0]!.reason).toContain(`has no ${CSR} beside it`);
    const garbage = { ...firstWrite(message), blobs: new Map([["a1", new TextEncoder().encode("hello")]]) };
    expect(auditCertificateHistory(garbage).certificates[0]!.reason).toBe(
      "it is not a certificate that parses",
    );
    const input = firstWrite(message);
    const odd = {
      ...input,
      commits: [
        {
          ...input.commits[0]!,
          writes: [{ path: "clusters/prod/admins/Alice.pem", blob: "a1", previousBlob: null }],
        },
      ],
    };
    expect(auditCertificateHistory(odd).certificates[0]!.reason).toBe(
      "not a path the bot issues certificates to",
    );
  });
});

describe("auditCertificateHistory: what stands on an explained certificate", () => {
  async function laterWrite(blob: Uint8Array | "same", caChanged: string[]) {
    const input = firstWrite(trailer(`serial=${serial} csr-sha256=${sha256Hex(csr)} approvers=carol`));
    const next: HistoryCommit = {
      sha: "c2",
      parents: ["c1"],
      writes: [
        { path: PEM, blob: blob === "same" ? "a1" : "a2", previousBlob: blob === "same" ? null : "a1" },
      ],
      caChanged,
    };
    const messages = new Map(input.messages).set("c2", {
      commit: "c2",
      author: "x <x@example.test>",
      message: "kaws: rotate the PKI of prod",
    });
    const blobs = new Map(input.blobs);
    if (blob !== "same") blobs.set("a2", blob);
    return auditCertificateHistory({ ...input, commits: [...input.commits, next], messages, blobs })
      .certificates[1]!;
  }

  it("explains a rotation's re-signing: same key, subject and validity, the CA changed in the commit", async () => {
    const certificate = readCertificate(pem);
    if (!certificate.ok) throw new Error(certificate.detail);
    const { notBefore, notAfter } = certificate.certificate;
    expect(await laterWrite(await resign({ notBefore, notAfter }), ["prod"])).toMatchObject({
      explainedBy: "rotation",
      basis: "c1",
    });
    // the same re-signing without a new CA is no rotation
    expect(await laterWrite(await resign({ notBefore, notAfter }), [])).toMatchObject({ explainedBy: null });
  });

  it("does not explain a re-signing that extends the validity, even with a new CA", async () => {
    const certificate = readCertificate(pem);
    if (!certificate.ok) throw new Error(certificate.detail);
    const { notBefore, notAfter } = certificate.certificate;
    const longer = await resign({ notBefore, notAfter: new Date(notAfter.getTime() + 30 * 86_400_000) });
    expect(await laterWrite(longer, ["prod"])).toMatchObject({
      explainedBy: null,
      reason: expect.stringContaining("no Kaws-Certificate trailer"),
    });
  });

  it("explains the same certificate written again at its path (a revert of its removal)", async () => {
    expect(await laterWrite("same", [])).toMatchObject({ explainedBy: "restored", basis: "c1" });
  });
});
