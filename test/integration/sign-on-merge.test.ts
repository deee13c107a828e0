import nock from "nock";
import { useRepo } from "../helpers/use-repo.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { type Files } from "../helpers/build-repo.js";
import { makeCsr, opensslVerify } from "../helpers/openssl.js";
import { pullRequestPayload, pushPayload, reviewPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";

const { ids: idsOf, repo: builtRepo } = useRepo();
afterEach(() => nock.cleanAll());

const minutes = (n: number) => new Date(builtRepo().now.getTime() + n * 60_000);
const ERIN = ["pubkeys/erin.asc", "clusters/prod/admins/erin.csr", "clusters/prod/admins/erin.csr.asc"];

function erinRequest(groups = "/O=developers"): Files {
  const { csr } = makeCsr(`/CN=erin${groups}`);
  return {
    "pubkeys/erin.asc": idsOf().mallory.exportPublic(),
    "clusters/prod/admins/erin.csr": csr,
    "clusters/prod/admins/erin.csr.asc": idsOf().mallory.detachSign(csr),
  };
}

/** PR #7 by erin, evaluated; optionally approved by dave; then merged as a squash commit and pushed. */
async function flow(
  options: {
    approve?: "head" | "none" | "self" | "stranger" | "older";
    mergedFiles?: (head: Files) => Files;
    protectedBranch?: boolean;
    merge?: "squash" | "merge" | "rebase";
    beforePush?: (github: ReturnType<typeof pullRequestFixture>["github"]) => void;
    /** The bot was down when GitHub delivered the push: it never arrives. */
    pushLost?: boolean;
    sweepEveryMs?: number;
  } = {},
) {
  const request = erinRequest();
  const fixture = pullRequestFixture(
    builtRepo().files,
    { files: request },
    { erin: [registeredKey(idsOf().mallory)] },
    {},
    { protectedBranch: options.protectedBranch },
  );
  // the real clock: openssl checks the issued certificate's dates against it
  const server = await startWebhookServer({
    now: () => new Date(),
    botKey: idsOf().bot.exportSecret(),
    sweepEveryMs: options.sweepEveryMs,
  });
  const pull = pullRequestPayload({ headSha: fixture.headSha, baseSha: fixture.baseSha, author: "erin" });
  let n = 0;
  const deliver = async (event: string, payload: unknown, status = 200) =>
    expect(await server.deliver(event, payload, `d${++n}`)).toBe(status);
  await deliver("pull_request", pull);
  const reviewer = options.approve === "self" ? "erin" : options.approve === "stranger" ? "mallory" : "dave";
  // "older": dave approved a commit before the PR's final one
  const approvedCommit = options.approve === "older" ? fixture.baseSha : fixture.headSha;
  if (options.approve !== "none") {
    fixture.github.addReview(7, reviewer, "APPROVED", approvedCommit, minutes(5));
    await deliver(
      "pull_request_review",
      reviewPayload({ pull, reviewer, state: "approved", commitId: approvedCommit, at: minutes(5) }),
    );
  }
  const checkBeforeMerge = fixture.github.checkRuns.at(-1)!.conclusion;
  const merged = (options.mergedFiles ?? ((f) => f))({ ...builtRepo().files, ...request });
  // squash: one new commit; merge: a merge commit whose second parent is the PR head; rebase: the
  // PR's commit written again on top of the branch. GitHub associates each with the merged PR.
  const parents = options.merge === "merge" ? [fixture.baseSha, fixture.headSha] : [fixture.baseSha];
  const squash = fixture.repo.commit(
    merged,
    {},
    parents,
    options.merge === "rebase" ? "Add erin" : "Add erin (#7)",
  );
  fixture.github.refs.set("heads/main", squash);
  fixture.github.setCommitPulls(squash, [
    {
      number: 7,
      merged_at: minutes(10).toISOString(),
      base: { ref: "main", sha: fixture.baseSha },
      head: { sha: fixture.headSha },
      user: { login: "erin" },
      html_url: pull.pull_request.html_url,
    },
  ]);
  const push = pushPayload({
    pull,
    before: fixture.baseSha,
    after: squash,
    commits: [{ id: squash, added: ERIN }],
  });
  options.beforePush?.(fixture.github);
  if (!options.pushLost) await deliver("push", push);
  return { ...fixture, server, squash, push, deliver, pull, checkBeforeMerge };
}

function botCommits(f: Awaited<ReturnType<typeof flow>>) {
  return [...f.repo.commits.values()].filter((c) => c.message.startsWith("kaws: issue"));
}

function reconcileCommits(f: Awaited<ReturnType<typeof flow>>) {
  return [...f.repo.commits.values()].filter((c) => c.message.startsWith("kaws: "));
}

describe("signing on merge", () => {
  it("issues the certificate of an approved request in ONE bot commit, which openssl accepts", async () => {
    const f = await flow();
    try {
      expect(f.checkBeforeMerge).toBe("success");
      const commits = botCommits(f);
      expect(commits).toHaveLength(1);
      const commit = commits[0]!;
      expect(f.github.refs.get("heads/main")).toBe(commit.sha);
      expect(commit.parents).toEqual([f.squash]);
      const changed = [...commit.files]
        .filter(([path, file]) => f.repo.required(f.squash).files.get(path)?.oid !== file.oid)
        .map(([path]) => path);
      // one commit: the certificate, and every cluster key re-encrypted to the new set of admins
      expect(changed.sort()).toEqual([
        "clusters/prod/admins/erin.pem",
        "clusters/prod/ca-key.pem.asc",
        "clusters/prod/master-key.pem.asc",
        "clusters/prod/node-key.pem.asc",
      ]);
      const caKey = f.repo.blobs.get(commit.files.get("clusters/prod/ca-key.pem.asc")!.oid)!;
      for (const reader of [idsOf().mallory /* erin's key */, idsOf().bot, idsOf().alice, idsOf().bob]) {
        const opened = reader.decrypt(caKey);
        expect(opened.status, opened.stderr).toBe(0);
        expect(opened.stdout).toBe(new TextDecoder().decode(builtRepo().pki.privateKeys.ca));
      }
      expect(idsOf().carol.decrypt(caKey).status).not.toBe(0);
      expect(idsOf().alice.recipientKeyIds(caKey)).toHaveLength(4);
      const pem = new TextDecoder().decode(
        f.repo.blobs.get(commit.files.get("clusters/prod/admins/erin.pem")!.oid)!,
      );
      const verdict = opensslVerify(builtRepo().pki.certificates.ca, pem, "sslclient");
      expect(verdict.status, verdict.stderr).toBe(0);
      const cert = readCertificate(new TextEncoder().encode(pem));
      if (!cert.ok) throw new Error(cert.detail);
      expect(cert.certificate.subject).toMatchObject({
        commonNames: ["erin"],
        organizations: ["developers"],
      });
      expect(commit.message).toMatch(
        new RegExp(
          `^kaws: issue 1 admin certificate, re-encrypt 3 keys\\n\\n- erin on prod, approved in #7\\n- re-encrypted 3 private key\\(s\\) of 1 cluster\\(s\\) to 4 recipients \\(pubkeys/ and the bot\\)\\n\\nKaws-Certificate: prod/erin serial=${cert.certificate.serialNumber} csr-sha256=[0-9a-f]{64} approvers=dave$`,
        ),
      );
      const reply = f.github.comments.find(
        (c) => c.issue === 7 && c.body.includes("Issued on the default branch"),
      );
      expect(reply?.body).toContain(`serial \`${cert.certificate.serialNumber}\``);
      expect(f.github.issues.filter((i) => !i.body.includes("kaws-bot:issue:access"))).toEqual([]);
    } finally {
      await f.server.stop();
    }
  });

  it.each(["merge", "rebase"] as const)("works the same for a %s merge", async (merge) => {
    const f = await flow({ merge });
    try {
      expect(botCommits(f)).toHaveLength(1);
      expect(f.github.issues.filter((i) => !i.body.includes("kaws-bot:issue:access"))).toEqual([]);
    } finally {
      await f.server.stop();
    }
  });

  it("tries again when GitHub fails mid-way, and lands ONE commit", async () => {
    const f = await flow({
      beforePush: (github) => github.failNext("PATCH", /\/git\/refs\/heads\/main$/),
    });
    try {
      const landed = f.repo.required(f.github.refs.get("heads/main")!);
      expect(landed.parents).toEqual([f.squash]);
      expect(landed.files.has("clusters/prod/admins/erin.pem")).toBe(true);
      expect(f.server.logs.some((l) => l.msg === "work failed; trying again")).toBe(true);
    } finally {
      await f.server.stop();
    }
  });

  it("leaves nothing half-done when GitHub fails longer than the retries, and the next push finishes the job", async () => {
    const f = await flow({
      // the first attempt and each of the three retries
      beforePush: (github) => {
        for (let i = 0; i < 4; i++) github.failNext("PATCH", /\/git\/refs\/heads\/main$/);
      },
    });
    try {
      expect(f.github.refs.get("heads/main")).toBe(f.squash); // the branch did not move: no partial state
      expect(f.server.logs.some((l) => String(l.msg).startsWith("work failed; it is not tried again"))).toBe(
        true,
      );
      await f.deliver("push", f.push); // GitHub's redelivery is not taken for a duplicate: it failed
      const landed = f.repo.required(f.github.refs.get("heads/main")!);
      expect(landed.parents).toEqual([f.squash]);
      expect(landed.files.has("clusters/prod/admins/erin.pem")).toBe(true);
    } finally {
      await f.server.stop();
    }
  });

  it("announces exactly once after a crash between the ref update and the reply", async () => {
    const f = await flow({
      // the certificate commit lands, then every reply fails, as if the bot died there each time
      beforePush: (github) => {
        for (let i = 0; i < 4; i++) github.failNext("POST", /\/issues\/7\/comments$/);
      },
    });
    try {
      const replies = () =>
        f.github.comments.filter((c) => c.issue === 7 && c.body.includes("Issued on the default branch"));
      expect(botCommits(f)).toHaveLength(1); // each retry found the certificate issued
      expect(replies()).toHaveLength(0);
      await f.deliver("push", f.push); // GitHub redelivers (or any later push, or /kaws reencrypt)
      await f.deliver("push", f.push);
      expect(botCommits(f)).toHaveLength(1);
      expect(replies()).toHaveLength(1);
      expect(replies()[0]!.body).toMatch(/SHA-256 fingerprint `[0-9A-F]{64}`, valid until \d{4}-\d{2}-\d{2}/);
    } finally {
      await f.server.stop();
    }
  });

  it("lands a merge whose push was lost at the next sweep of the default branch, and announces it once", async () => {
    const f = await flow({ pushLost: true, sweepEveryMs: 150 });
    try {
      const replies = () =>
        f.github.comments.filter((c) => c.issue === 7 && c.body.includes("Issued on the default branch"));
      await vi.waitFor(() => expect(replies()).toHaveLength(1), { timeout: 10_000, interval: 50 });
      await f.server.work.idle();
      expect(botCommits(f)).toHaveLength(1);
      expect(f.repo.required(f.github.refs.get("heads/main")!).parents).toEqual([f.squash]);
      expect(f.server.logs.map((l) => l.msg)).toContain("sweep: reconciling every default branch");
      await new Promise((resolve) => setTimeout(resolve, 400)); // more sweeps find nothing to do
      await f.server.work.idle();
      expect(botCommits(f)).toHaveLength(1);
      expect(replies()).toHaveLength(1);
    } finally {
      await f.server.stop();
    }
  });

  it("finds nothing to do on its own commit, or on a redelivered push", async () => {
    const f = await flow();
    try {
      const own = botCommits(f)[0]!;
      await f.deliver(
        "push",
        pushPayload({
          pull: f.pull,
          before: f.squash,
          after: own.sha,
          commits: [{ id: own.sha, added: ["clusters/prod/admins/erin.pem"] }],
        }),
      );
      await f.deliver("push", f.push);
      expect(botCommits(f)).toHaveLength(1);
      expect(
        f.github.calls.filter((c) => c.method === "POST" && c.path.endsWith("/git/commits")),
      ).toHaveLength(1);
    } finally {
      await f.server.stop();
    }
  });

  it.each([
    ["nobody approved", { approve: "none" as const }, "#7 had 0 of 1 maintainer approvals"],
    [
      "the author approved their own request",
      { approve: "self" as const },
      "#7 had 0 of 1 maintainer approvals",
    ],
    ["a non-maintainer approved", { approve: "stranger" as const }, "#7 had 0 of 1 maintainer approvals"],
    [
      "the approval was for an older commit",
      { approve: "older" as const },
      "#7 had 0 of 1 maintainer approvals",
    ],
    [
      "the CSR changed between approval and merge",
      {
        mergedFiles: (files: Files) => ({
          ...files,
          "clusters/prod/admins/erin.csr": makeCsr("/CN=erin/O=system:masters").csr,
        }),
      },
      "the CSR on the branch is not the one at the final commit of #7",
    ],
  ])("signs nothing when %s, and says so in one issue", async (_name, options, reason) => {
    const f = await flow(options);
    try {
      expect(botCommits(f)).toEqual([]);
      // the merged key is on the branch, so the keys follow it; only the certificate is withheld
      expect(reconcileCommits(f).map((c) => c.message.split("\n")[0])).toEqual(["kaws: re-encrypt 3 keys"]);
      // the check was not green either, except when the CSR changed at merge, after a valid approval
      if (!("mergedFiles" in options)) expect(f.checkBeforeMerge).not.toBe("success");
      const refusals = () => f.github.issues.filter((i) => !i.body.includes("kaws-bot:issue:access"));
      expect(refusals()).toHaveLength(1);
      expect(refusals()[0]!.body).toContain(`\`clusters/prod/admins/erin.csr\`: ${reason}`);
      await f.deliver("push", f.push);
      expect(refusals()).toHaveLength(1);
    } finally {
      await f.server.stop();
    }
  });

  it("proposes a refused commit in ONE pull request, kept while needed, closed once the bot can push", async () => {
    const f = await flow({ protectedBranch: true });
    try {
      expect(f.github.refs.get("heads/main")).toBe(f.squash);
      expect(f.github.createdPulls).toHaveLength(1);
      const proposal = f.github.createdPulls[0]!;
      expect(proposal.head).toBe("kaws/reconcile");
      const proposed = f.github.refs.get("heads/kaws/reconcile")!;
      expect(f.repo.required(proposed).message).toMatch(/^kaws: issue 1 admin certificate/);
      expect(proposal.body).toContain("Protected branch update failed");
      // GitHub redelivers, then the hourly sweep: the same work, so the same pull request, untouched
      await f.deliver("push", f.push);
      await f.deliver("push", f.push);
      expect(f.github.createdPulls).toHaveLength(1);
      expect(f.github.refs.get("heads/kaws/reconcile")).toBe(proposed);
      // the app is put on the bypass list: its commit lands, and the proposal is closed
      f.github.protectBranch(false);
      await f.deliver("push", f.push);
      expect(f.repo.required(f.github.refs.get("heads/main")!).parents).toEqual([f.squash]);
      expect(proposal.state).toBe("closed");
      expect(f.github.refs.has("heads/kaws/reconcile")).toBe(false);
      expect(
        f.github.comments.some((c) => c.issue === proposal.number && /no longer needed/.test(c.body)),
      ).toBe(true);
    } finally {
      await f.server.stop();
    }
  });

  it("keeps the CA key out of logs, API requests and commits", async () => {
    const f = await flow();
    try {
      const caKeyBody = new TextDecoder().decode(builtRepo().pki.privateKeys.ca).split("\n")[1]!;
      const everything =
        JSON.stringify(f.github.calls) +
        JSON.stringify(f.server.logs) +
        [...f.repo.blobs.values()].map((b) => new TextDecoder().decode(b)).join("");
      expect(everything).not.toContain(caKeyBody);
      expect(everything).not.toMatch(/BEGIN (EC |RSA )?PRIVATE KEY/);
      expect(JSON.stringify(f.server.logs)).not.toContain("PGP PRIVATE KEY BLOCK");
      expect(f.server.logs.some((l) => l.msg === "reconciled the default branch")).toBe(true);
    } finally {
      await f.server.stop();
    }
  });
});
