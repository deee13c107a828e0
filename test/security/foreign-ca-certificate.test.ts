import { expect, it } from "vitest";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { opensslSelfSignedCa, opensslSignCsr } from "../helpers/openssl.js";
import { useRepo } from "../helpers/use-repo.js";

const { repo } = useRepo();

it("does not accept an admin certificate from a CA with the same name but another key", async () => {
  const impostor = opensslSelfSignedCa("/CN=kaws prod CA/O=kaws");
  const profile =
    "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
  const pem = opensslSignCsr(repo().files["clusters/prod/admins/alice.csr"] as Uint8Array, impostor, profile);
  const { findings } = await verifyTree(withFiles(repo().files, { "clusters/prod/admins/alice.pem": pem }), {
    now: repo().now,
  });
  const chain = findings.filter((f) => f.rule === "admin-cert.chain");
  expect(chain.map((f) => f.message)).toContain("the certificate is not signed by this cluster's ca.pem");
});

it("does not accept a ca.pem swapped for a foreign CA", async () => {
  const impostor = opensslSelfSignedCa("/CN=kaws prod CA/O=kaws");
  const { findings } = await verifyTree(withFiles(repo().files, { "clusters/prod/ca.pem": impostor.cert }), {
    now: repo().now,
  });
  const rules = findings.filter((f) => f.severity === "error").map((f) => `${f.rule} ${f.path}`);
  expect(rules).toEqual(
    expect.arrayContaining([
      "master-cert.chain clusters/prod/master.pem",
      "node-cert.chain clusters/prod/node.pem",
      "admin-cert.chain clusters/prod/admins/alice.pem",
    ]),
  );
});
