import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { reconcileCommitMessage } from "../../src/core/reconcile/reconcile-commit-message.js";
import { sha256Hex } from "../../src/core/hash.js";
import { buildRepo, commitFiles, type BuiltRepo } from "./build-repo.js";
import type { Identities } from "./identities.js";
import { makeCsr } from "./openssl.js";
import { run } from "./run.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * When the cluster PKI and alice's certificate were made: the next whole minute, since the test
 * identities' keys, made at the start of the run, cannot encrypt at a time before they existed.
 */
export const REPORT_T0 = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
/**
 * When the report is read: alice's certificate has 10 days left (expiring: the default
 * renew_before_days is 14), mallory's ended 50 days ago.
 */
export const REPORT_NOW = new Date(REPORT_T0.getTime() + 80 * DAY_MS);
/** A Kubernetes group that is markup: the page must show it as text. */
export const HOSTILE_GROUP = `<img src=x onerror=alert(1)>&"'`;

export interface ReportRepo {
  readonly dir: string;
  readonly built: BuiltRepo;
  /** The reconciler's commit that added bob's certificate. */
  readonly botCommit: string;
  readonly carolCsr: Buffer;
}

/**
 * A PKI repository with a history, as the report reads it: alice's certificate (15 days left) and
 * mallory's (expired; her key no longer in pubkeys/; a group that is markup) were pushed directly,
 * bob's (renewed, 70 days left) came in the reconciler's commit approved by carol and dave, and
 * carol's CSR waits for its certificate. Real gpg signatures and openssl CSRs.
 */
export async function buildReportRepo(ids: Identities, dir: string): Promise<ReportRepo> {
  const built = await buildRepo(ids, REPORT_T0);
  await built.addAdmin("mallory", ids.mallory, {
    groups: ["developers", HOSTILE_GROUP],
    issuedAt: new Date(REPORT_T0.getTime() - 60 * DAY_MS),
  });
  const bob = (await built.addAdmin("bob", ids.bob, {
    groups: ["system:masters"],
    key: "rsa2048",
    issuedAt: new Date(REPORT_T0.getTime() + 60 * DAY_MS),
  }))!;
  const { "clusters/prod/admins/bob.pem": bobPem, ...before } = built.files;
  commitFiles(dir, before, "alice's and mallory's certificates, pushed directly");

  writeFileSync(join(dir, "clusters/prod/admins/bob.pem"), bobPem!);
  const csr = built.files["clusters/prod/admins/bob.csr"] as Uint8Array;
  const message = reconcileCommitMessage(
    [
      {
        path: "clusters/prod/admins/bob.pem",
        content: bob.pem,
        cluster: "prod",
        login: "bob",
        issued: bob,
        csrSha256: sha256Hex(csr),
        approval: { pullNumber: 7, approvers: ["carol", "dave"] },
      },
    ],
    [],
    3,
  );
  const git = (...args: string[]) =>
    run("git", ["-C", dir, ...args])
      .toString()
      .trim();
  git("add", "-A");
  git("-c", "user.name=kaws-bot[bot]", "-c", "user.email=bot@example.test", "commit", "-q", "-m", message);
  const botCommit = git("rev-parse", "HEAD");

  const { csr: carolCsr } = makeCsr("/CN=carol/O=developers");
  commitFiles(
    dir,
    {
      "pubkeys/carol.asc": ids.carol.exportPublic(),
      "clusters/prod/admins/carol.csr": carolCsr,
      "clusters/prod/admins/carol.csr.asc": ids.carol.detachSign(carolCsr),
    },
    "carol asks for access",
  );
  return { dir, built, botCommit, carolCsr };
}
