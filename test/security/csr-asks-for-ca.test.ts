import { expect, it } from "vitest";
import { issueClientCertificate } from "../../src/core/pki/issue-client-certificate.js";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { readCsr } from "../../src/core/pki/read-csr.js";
import { importSigningKey } from "../../src/core/pki/signing-key.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr, opensslSignCsr, opensslVerify } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

it("refuses a CSR that asks for CA:true, and even if it were signed, the certificate is no CA", async () => {
  const { csr, key } = makeCsr("/CN=alice/O=developers", "ec-p256", [
    "-addext",
    "basicConstraints=critical,CA:true",
    "-addext",
    "keyUsage=critical,keyCertSign",
  ]);
  const tree = withFiles(
    repo().files,
    {
      "clusters/prod/admins/alice.csr": csr,
      "clusters/prod/admins/alice.csr.asc": ids().alice.detachSign(csr),
    },
    ["clusters/prod/admins/alice.pem"],
  );
  const { findings } = await verifyTree(tree, { now: repo().now });
  expect(findings).toContainEqual(
    expect.objectContaining({
      rule: "csr.ca-requested",
      severity: "error",
      path: "clusters/prod/admins/alice.csr",
    }),
  );
  expect(findings.find((f) => f.rule === "csr.extensions.ignored")?.message).toContain(
    "basicConstraints (CA:true)",
  );

  const facts = readCsr(csr);
  const ca = readCertificate(new TextEncoder().encode(repo().pki.certificates.ca));
  if (!facts.ok || !ca.ok) throw new Error("fixture");
  const issued = await issueClientCertificate({
    csr: facts.facts,
    login: "alice",
    groups: ["developers"],
    ca: ca.certificate,
    caKey: await importSigningKey(repo().pki.privateKeys.ca),
    days: 90,
    now: repo().now,
  });
  const text = run("openssl", ["x509", "-noout", "-text"], { input: issued.pem }).toString();
  expect(text).toContain("CA:FALSE");
  expect(text).not.toContain("Certificate Sign");

  // a certificate "issued" with alice's certificate and key is refused by openssl
  const forged = opensslSignCsr(
    makeCsr("/CN=eve/O=system:masters").csr,
    { cert: issued.pem, key },
    "extendedKeyUsage=clientAuth\n",
  );
  const verdict = opensslVerify(repo().pki.certificates.ca, forged, "sslclient", true, issued.pem);
  expect(verdict.status).not.toBe(0);
  expect(verdict.stderr + verdict.stdout).toContain("invalid CA certificate");
});
