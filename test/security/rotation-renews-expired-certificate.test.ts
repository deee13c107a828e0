import { expect, it } from "vitest";
import { planRotation } from "../../src/core/reconcile/plan-rotation.js";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { buildRepo, publicKeyOf } from "../helpers/build-repo.js";
import { identities } from "../helpers/identities.js";

const DAY = 86_400_000;

/**
 * The attack (design note): certificates are short-lived and a renewal is a new key + CSR approved in a
 * PR (DESIGN 4.3); a deleted certificate is never re-issued from an old approval (the ledger). But
 * `/kaws rotate` re-issued a fresh `admin_cert_days` certificate for every admin whose `.pem` was
 * present — expired for months or not — from the old CSR. A rotation must keep each validity.
 */
it("does not give an admin whose certificate expired months ago a fresh certificate in a rotation", async () => {
  const ids = identities();
  const built = await buildRepo(ids); // alice's and bob's 90-day certificates, issued today
  const now = new Date(Date.now() + 200 * DAY); // the rotation, 200 days later: both expired 110 days ago
  const old = readCertificate(
    new TextEncoder().encode(built.files["clusters/prod/admins/alice.pem"] as string),
  );
  if (!old.ok) throw new Error(old.detail);
  expect(old.certificate.notAfter.getTime()).toBeLessThan(now.getTime());

  const plan = await planRotation({
    tree: built.tree(),
    cluster: "prod",
    recipients: await Promise.all([ids.alice, ids.bob, ids.bot].map(publicKeyOf)),
    adminCertDays: 90,
    now,
  });
  // signed again by the new CA (so the branch stays valid), with the very same validity: still expired
  expect(plan.reissued).toEqual(["alice", "bob"]);
  const fresh = plan.files.find((f) => f.path === "clusters/prod/admins/alice.pem")!;
  const resigned = readCertificate(new TextEncoder().encode(fresh.content));
  if (!resigned.ok) throw new Error(resigned.detail);
  expect(resigned.certificate.notAfter).toEqual(old.certificate.notAfter);
  expect(resigned.certificate.notBefore).toEqual(old.certificate.notBefore);
  expect(resigned.certificate.notAfter.getTime()).toBeLessThan(now.getTime());
});
