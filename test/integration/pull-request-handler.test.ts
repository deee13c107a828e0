import { afterEach, describe, expect, it } from "vitest";
import nock from "nock";
import * as openpgp from "openpgp";
import { useRepo } from "../helpers/use-repo.js";
import { buildRepo, type Files } from "../helpers/build-repo.js";
import { fakeGitHub } from "../helpers/fake-github.js";
import { FakeRepo } from "../helpers/fake-repo.js";
import { makeCsr } from "../helpers/openssl.js";
import { pullRequestPayload, startWebhookServer, testProbot } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";

const { ids: idsOf, repo: builtRepo } = useRepo();
afterEach(() => nock.cleanAll());

function onboardingFiles(): Files {
  const { csr } = makeCsr("/CN=carol/O=developers");
  return {
    "pubkeys/carol.asc": idsOf().carol.exportPublic(),
    "clusters/prod/admins/carol.csr": csr,
    "clusters/prod/admins/carol.csr.asc": idsOf().carol.detachSign(csr),
  };
}

async function setUp(
  head: Files,
  options: { remove?: string[]; modes?: Record<string, string>; registered?: boolean } = {},
) {
  const { repo, baseSha, headSha, github } = pullRequestFixture(
    builtRepo().files,
    { files: head, remove: options.remove, modes: options.modes },
    options.registered === false ? {} : { carol: [registeredKey(idsOf().carol)] },
  );
  const { probot, logs } = await testProbot({ now: () => builtRepo().now });
  return { repo, baseSha, headSha, github, probot, logs };
}

type CheckRunBody = {
  name: string;
  head_sha: string;
  conclusion: string;
  details_url: string;
  output: {
    title: string;
    summary: string;
    annotations: { path: string; annotation_level: string; title: string; message: string }[];
  };
};

describe("a new admin opens a pull request with their key and a CSR signed with it", () => {
  // as tests run the bot (in the event loop's thread), and as `npm start` does (on worker threads)
  it.each([0, 2])(
    "publishes a not-passing kaws check run and one comment saying who asks for what (over HTTP, %i worker threads)",
    async (workers) => {
      const { headSha, baseSha, github } = await setUp(onboardingFiles());
      const server = await startWebhookServer({ now: () => builtRepo().now, workers });
      try {
        expect(
          await server.deliver("pull_request", pullRequestPayload({ headSha, baseSha }), "delivery-1"),
        ).toBe(200);
      } finally {
        await server.stop();
      }
      const shape = (path: string) =>
        path
          .replace(headSha, "HEAD")
          .replace(baseSha, "BASE")
          .replace(/[0-9a-f]{40}/g, "BLOB");
      // some run in parallel: compare them in order of path
      expect(
        github
          .apiCalls()
          .map((c) => `${c.method} ${shape(c.path)}`)
          .sort(),
      ).toEqual([
        // the first report creates the run and the comment, under the pull request's lock ref: taken,
        // then runs and comments read again (another replica may have just written them), and after
        // the create the comments once more (a replica without the lock may have made one too); and
        // after writing, the reviews, comments and default branch read again (a replica may have
        // judged newer input meanwhile: the last word must not be a stale verdict)
        "DELETE /repos/acme/cluster-keys/git/refs/kaws-bot/locks/pr-7",
        "GET /app", // once per process: the app's own login, to know its own comments
        "GET /repos/acme/cluster-keys/commits/HEAD/check-runs?check_name=kaws&app_id=123&filter=all&per_page=100",
        "GET /repos/acme/cluster-keys/commits/HEAD/check-runs?check_name=kaws&app_id=123&filter=all&per_page=100",
        "GET /repos/acme/cluster-keys/compare/main...HEAD?per_page=1",
        "GET /repos/acme/cluster-keys/git/blobs/BLOB",
        "GET /repos/acme/cluster-keys/git/blobs/BLOB",
        "GET /repos/acme/cluster-keys/git/blobs/BLOB",
        "GET /repos/acme/cluster-keys/git/blobs/BLOB",
        "GET /repos/acme/cluster-keys/git/ref/heads/main",
        "GET /repos/acme/cluster-keys/git/ref/kaws-bot/locks/pr-7", // the release: still its own lock?
        "GET /repos/acme/cluster-keys/git/trees/BASE?recursive=1",
        "GET /repos/acme/cluster-keys/git/trees/HEAD?recursive=1",
        "GET /repos/acme/cluster-keys/issues/7/comments?per_page=100",
        "GET /repos/acme/cluster-keys/issues/7/comments?per_page=100",
        "GET /repos/acme/cluster-keys/issues/7/comments?per_page=100",
        "GET /repos/acme/cluster-keys/issues/7/comments?per_page=100",
        "GET /repos/acme/cluster-keys/pulls/7/reviews?per_page=100",
        "GET /repos/acme/cluster-keys/pulls/7/reviews?per_page=100",
        "GET /users/carol/gpg_keys?per_page=100",
        "POST /graphql",
        "POST /repos/acme/cluster-keys/check-runs",
        "POST /repos/acme/cluster-keys/git/refs",
        "POST /repos/acme/cluster-keys/git/tags",
        "POST /repos/acme/cluster-keys/issues/7/comments",
      ]);
      const lockTag = github.calls.find((c) => c.path.endsWith("/git/tags"))?.body as { object: string };
      expect(lockTag.object).toBe(baseSha); // the default branch's tip the evaluation read, never the fork's head
      expect(github.calls.find((c) => c.path.endsWith("/git/refs"))?.body).toEqual({
        ref: "refs/kaws-bot/locks/pr-7",
        sha: expect.not.stringMatching(baseSha), // the lock's own tag, on that commit
      });
      expect(github.refs.has("kaws-bot/locks/pr-7")).toBe(false);

      const created = github.calls.filter((c) => c.method === "POST" && c.path.endsWith("/check-runs"));
      expect(created).toHaveLength(1);
      const run = created[0]!.body as CheckRunBody;
      expect(run).toMatchObject({
        name: "kaws",
        head_sha: headSha,
        conclusion: "action_required",
        details_url: "https://github.com/acme/cluster-keys/pull/7",
      });
      expect(run.output.title).toBe("Valid: awaiting 1 more maintainer approval (0 of 1)");
      expect(run.output.summary).toContain(
        `@carol asks for a certificate on **prod** with groups \`developers\`, signed with key \`${idsOf().carol.fingerprint}\`, registered on their GitHub account.`,
      );
      expect(run.output.summary).toContain("Pending at merge: issue carol's certificate for prod");
      expect(run.output.annotations).toContainEqual(
        expect.objectContaining({
          path: "pubkeys/carol.asc",
          annotation_level: "warning",
          title: "pubkey.new",
        }),
      );

      const comments = github.calls.filter((c) => c.method === "POST" && c.path.endsWith("/comments"));
      expect(comments).toHaveLength(1);
      const body = (comments[0]!.body as { body: string }).body;
      expect(body).toMatch(/^<!-- kaws-bot:sticky -->\n### kaws: access request by @carol/);
      expect(body).toContain(
        `signed with key \`${idsOf().carol.fingerprint}\`, registered on their GitHub account`,
      );
      expect(body).toContain(
        "**Approvals:** 0 of 1 from maintainers (not the author, nor anyone this change gives access)",
      );
      expect(body).toContain("**Next step:** a maintainer reviews this exact commit and approves");
      // the PR comes from carol's fork: everything is read from the base repository, nothing from the fork
      expect(
        github.calls
          .filter((c) => c.path.startsWith("/repos/"))
          .every((c) => c.path.startsWith("/repos/acme/cluster-keys/")),
      ).toBe(true);
    },
  );

  it("reads only what the change touches: the same calls whatever the number of untouched admins and clusters", async () => {
    const small = await setUp(onboardingFiles());
    await small.probot.receive({
      id: "d-small",
      name: "pull_request",
      payload: pullRequestPayload({ headSha: small.headSha, baseSha: small.baseSha }) as never,
    });
    const smallCalls = small.github
      .apiCalls()
      .map((c) => `${c.method} ${c.path.replace(/[0-9a-f]{40}/g, "SHA")}`);
    nock.cleanAll();

    const bigger = await buildRepo(idsOf(), builtRepo().now);
    for (const [index, login] of ["dave", "erin", "frank"].entries()) {
      const admin = [idsOf().bob, idsOf().mallory, idsOf().alice][index]!;
      await bigger.addAdmin(login, admin, { groups: ["developers"] });
    }
    for (const cluster of ["staging", "dev", "qa"]) {
      for (const [path, content] of Object.entries(bigger.files)) {
        if (path.startsWith("clusters/prod/"))
          bigger.files[path.replace("clusters/prod/", `clusters/${cluster}/`)] = content;
      }
    }
    const repo = new FakeRepo();
    const baseSha = repo.commit(bigger.files);
    const headSha = repo.commit({ ...bigger.files, ...onboardingFiles() });
    const github = fakeGitHub({
      repo,
      defaultSha: baseSha,
      mergeBaseSha: baseSha,
      gpgKeys: { carol: [{ key_id: "x", raw_key: idsOf().carol.exportPublic().toString(), subkeys: [] }] },
    });
    const { probot } = await testProbot({ now: () => builtRepo().now });
    await probot.receive({
      id: "d-big",
      name: "pull_request",
      payload: pullRequestPayload({ headSha, baseSha }) as never,
    });
    const biggerCalls = github.apiCalls().map((c) => `${c.method} ${c.path.replace(/[0-9a-f]{40}/g, "SHA")}`);

    expect(Object.keys(bigger.files).length).toBeGreaterThan(Object.keys(builtRepo().files).length * 3);
    expect(biggerCalls.sort()).toEqual(smallCalls.sort());
    expect(smallCalls.length).toBeGreaterThanOrEqual(8); // compare, 2 trees, GraphQL, blobs, gpg keys, check run, comment
    expect(smallCalls.length).toBeLessThanOrEqual(25); // 7 of them the lock and the reads again of a first report, 3 the check after writing
  });
});

describe("idempotency", () => {
  it("does nothing at all for a redelivered webhook, and no second check run or comment for a SHA already evaluated", async () => {
    const { headSha, baseSha, github, probot } = await setUp(onboardingFiles());
    const payload = pullRequestPayload({ headSha, baseSha });
    await probot.receive({ id: "delivery-1", name: "pull_request", payload: payload as never });
    const afterFirst = github.calls.length;
    await probot.receive({ id: "delivery-1", name: "pull_request", payload: payload as never });
    expect(github.calls.length).toBe(afterFirst);

    await probot.receive({
      id: "delivery-2",
      name: "pull_request",
      payload: { ...payload, action: "synchronize" } as never,
    });
    const writes = github.calls.filter(
      (c) => c.method !== "GET" && !c.path.includes("access_tokens") && !c.path.includes("graphql"),
    );
    expect(writes.map((c) => `${c.method} ${c.path.split("/").slice(-2).join("/")}`)).toEqual([
      "POST git/tags", // the lock's mark, then the lock, only around the first report's creations
      "POST git/refs",
      "POST cluster-keys/check-runs",
      "POST 7/comments",
      "DELETE locks/pr-7",
    ]);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
  });

  it("edits the one comment in place when a new push changes the verdict", async () => {
    const { repo, headSha, baseSha, github, probot } = await setUp(onboardingFiles());
    await probot.receive({
      id: "d1",
      name: "pull_request",
      payload: pullRequestPayload({ headSha, baseSha }) as never,
    });
    const broken = {
      ...builtRepo().files,
      ...onboardingFiles(),
      "clusters/prod/admins/carol.csr.asc": idsOf().mallory.detachSign(Buffer.from("other")),
    };
    const secondHead = repo.commit(broken);
    await probot.receive({
      id: "d2",
      name: "pull_request",
      payload: pullRequestPayload({ action: "synchronize", headSha: secondHead, baseSha }) as never,
    });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain("**Next step:** fix 1 error(s)");
    expect(
      github.calls.filter((c) => c.method === "PATCH" && c.path.includes("/issues/comments/")),
    ).toHaveLength(1);
    expect(github.checkRuns.map((r) => [r.head_sha, r.conclusion])).toEqual([
      [headSha, "action_required"],
      [secondHead, "failure"],
    ]);
  });
});

describe("authority comes from the default branch", () => {
  it("fails the check, naming the key and the file, when the default branch's config is broken", async () => {
    const repo = new FakeRepo();
    const defaultSha = repo.commit({
      ...builtRepo().files,
      ".github/kaws.yml": "maintainers: [carol]\napprovals: two\n",
    });
    const headSha = repo.commit({
      ...builtRepo().files,
      ".github/kaws.yml": "maintainers: [carol]\napprovals: two\n",
      ...onboardingFiles(),
    });
    const github = fakeGitHub({ repo, defaultSha, mergeBaseSha: defaultSha });
    const { probot } = await testProbot({ now: () => builtRepo().now });
    await probot.receive({
      id: "cfg",
      name: "pull_request",
      payload: pullRequestPayload({ headSha, baseSha: defaultSha }) as never,
    });
    const run = github.checkRuns[0] as unknown as CheckRunBody;
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("on the default branch: .github/kaws.yml is invalid: approvals:");
    expect(run.output.annotations).toContainEqual(
      expect.objectContaining({ path: ".github/kaws.yml", title: "config.invalid" }),
    );
  });

  it("does not obey a config the pull request brings: its author does not become a maintainer", async () => {
    const repo = new FakeRepo();
    const defaultSha = repo.commit(builtRepo().files);
    const config = (builtRepo().files[".github/kaws.yml"] as string)
      .replace("approvals: 1", "approvals: 1\n")
      .replace('group_approvals: {"system:masters": 2}', "group_approvals: {}");
    const { csr } = makeCsr("/CN=carol/O=system:masters");
    const headSha = repo.commit({
      ...builtRepo().files,
      ".github/kaws.yml": config,
      "pubkeys/carol.asc": idsOf().carol.exportPublic(),
      "clusters/prod/admins/carol.csr": csr,
      "clusters/prod/admins/carol.csr.asc": idsOf().carol.detachSign(csr),
    });
    const github = fakeGitHub({
      repo,
      defaultSha,
      mergeBaseSha: defaultSha,
      gpgKeys: { carol: [{ key_id: "k", raw_key: idsOf().carol.exportPublic().toString(), subkeys: [] }] },
    });
    const { probot } = await testProbot({ now: () => builtRepo().now });
    await probot.receive({
      id: "cfg2",
      name: "pull_request",
      payload: pullRequestPayload({ headSha, baseSha: defaultSha }) as never,
    });
    const run = github.checkRuns[0] as unknown as CheckRunBody;
    expect(run.output.title).toBe("Valid: awaiting 2 more maintainer approvals (0 of 2)"); // the default branch's group_approvals still apply
    expect(run.output.annotations).toContainEqual(
      expect.objectContaining({ path: ".github/kaws.yml", title: "config.changed" }),
    );
  });
});

describe("identity binding through GitHub's gpg_keys", () => {
  it("says on the key file, and in the summary, that only 64-bit key IDs matched when GitHub returns no raw key", async () => {
    const repo = new FakeRepo();
    const baseSha = repo.commit(builtRepo().files);
    const headSha = repo.commit({ ...builtRepo().files, ...onboardingFiles() });
    const carol = await openpgp.readKey({ armoredKey: idsOf().carol.exportPublic().toString() });
    const github = fakeGitHub({
      repo,
      defaultSha: baseSha,
      mergeBaseSha: baseSha,
      gpgKeys: {
        carol: [
          {
            key_id: carol.getKeyID().toHex().toUpperCase(),
            raw_key: null,
            subkeys: [{ key_id: carol.getSubkeys()[0]!.getKeyID().toHex().toUpperCase() }],
          },
        ],
      },
    });
    const { probot } = await testProbot({ now: () => builtRepo().now });
    await probot.receive({
      id: "key-id-only",
      name: "pull_request",
      payload: pullRequestPayload({ headSha, baseSha }) as never,
    });
    const run = github.checkRuns[0] as unknown as CheckRunBody;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.annotations).toContainEqual({
      path: "pubkeys/carol.asc",
      start_line: 1,
      end_line: 1,
      annotation_level: "warning",
      title: "identity.key-id-only",
      message: `key ${idsOf().carol.fingerprint} matches carol's GitHub account by 64-bit key IDs only (GitHub returned no raw key)`,
    });
    expect(run.output.summary).toContain(
      `signed with key \`${idsOf().carol.fingerprint}\`, matched on GitHub by key ID.`,
    );
  });
});

describe("the secret scan on pull requests", () => {
  it("names each changed file it could not scan, as a warning on that file, and says how to scan it", async () => {
    const big = new Uint8Array(1024 * 1024 + 1).fill(0x41);
    const { headSha, baseSha, github, probot } = await setUp({ ...onboardingFiles(), "docs/big.txt": big });
    await probot.receive({
      id: "not-scanned",
      name: "pull_request",
      payload: pullRequestPayload({ headSha, baseSha }) as never,
    });
    const run = github.checkRuns[0] as unknown as CheckRunBody;
    expect(run.output.annotations).toContainEqual({
      path: "docs/big.txt",
      start_line: 1,
      end_line: 1,
      annotation_level: "warning",
      title: "secret.not-scanned",
      message:
        "changed, but too large (or one file too many) to scan for private keys here: run `npx kaws verify`",
    });
    expect(github.apiCalls().filter((c) => c.path.includes("/git/blobs/"))).toHaveLength(4); // not the big one
  });
});
