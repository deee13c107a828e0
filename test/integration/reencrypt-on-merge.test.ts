import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { CLUSTER_YML, type Files } from "../helpers/build-repo.js";
import { opensslVerify } from "../helpers/openssl.js";
import { commentPayload, pullRequestPayload, pushPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestFixture } from "../helpers/pull-request-fixture.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo: built } = useRepo();
afterEach(() => nock.cleanAll());

/** A change pushed straight onto the default branch (merged elsewhere), and the bot's answer. */
async function pushed(
  change: { files?: Files; remove?: string[] },
  options: { beforePush?: (f: ReturnType<typeof pullRequestFixture>) => void } = {},
) {
  const fixture = pullRequestFixture(built().files, {});
  const merged: Files = { ...built().files, ...change.files };
  for (const path of change.remove ?? []) delete merged[path];
  const head = fixture.repo.commit(merged, {}, [fixture.baseSha], "merged change");
  fixture.github.refs.set("heads/main", head);
  options.beforePush?.(fixture);
  const server = await startWebhookServer({ now: () => new Date(), botKey: ids().bot.exportSecret() });
  const pull = pullRequestPayload({ headSha: head, baseSha: fixture.baseSha });
  const touched = [...Object.keys(change.files ?? {}), ...(change.remove ?? [])];
  try {
    expect(
      await server.deliver(
        "push",
        pushPayload({
          pull,
          before: fixture.baseSha,
          after: head,
          commits: [{ id: head, modified: touched }],
        }),
        "p1",
      ),
    ).toBe(200);
  } finally {
    await server.stop();
  }
  const tip = fixture.repo.required(fixture.github.refs.get("heads/main")!);
  const file = (path: string) => fixture.repo.blobs.get(tip.files.get(path)!.oid)!;
  return { ...fixture, head, tip, file };
}

describe("re-encryption and PKI on merge", () => {
  it("re-encrypts without a removed admin, who can no longer open the keys, and opens a rotation issue", async () => {
    const f = await pushed({ remove: ["pubkeys/bob.asc"] });
    expect(f.tip.parents).toEqual([f.head]);
    expect(f.tip.message.split("\n")[0]).toBe("kaws: re-encrypt 3 keys");
    for (const role of ["ca", "master", "node"]) {
      const key = f.file(`clusters/prod/${role}-key.pem.asc`);
      expect(ids().alice.decrypt(key).stdout).toBe(
        new TextDecoder().decode(built().pki.privateKeys[role as "ca"]),
      );
      expect(ids().bot.decrypt(key).status).toBe(0);
      expect(ids().bob.decrypt(key).status).not.toBe(0);
      const expected = [ids().alice, ids().bot].map((id) =>
        id.gpg(["--with-colons", "--list-keys"]).toString(),
      );
      const recipients = ids().alice.recipientKeyIds(key);
      expect(recipients).toHaveLength(2);
      for (const keyId of recipients) expect(expected.some((listing) => listing.includes(keyId))).toBe(true);
    }
    const issues = f.github.issues.filter((i) => !i.body.includes("kaws-bot:issue:access"));
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.title).toBe("kaws: bob was removed — rotate prod");
    expect(issue.body).toContain(`@bob (key \`${ids().bob.fingerprint}\`) is no longer a recipient`);
    expect(issue.body).toContain("**Re-encryption is not revocation.**");
    expect(issue.body).toMatch(/`clusters\/prod\/admins\/bob\.pem`, valid until \d{4}-\d{2}-\d{2}/);
    expect(issue.body).toContain("`/kaws rotate prod`");
  });

  it("names in the rotation issue a certificate the removal deleted: deleting it revokes nothing", async () => {
    const f = await pushed({ remove: ["pubkeys/bob.asc", "clusters/prod/admins/bob.pem"] });
    const issue = f.github.issues.find((i) => i.title === "kaws: bob was removed — rotate prod")!;
    expect(issue.body).toContain("Their certificates still valid:");
    expect(issue.body).toMatch(
      /`clusters\/prod\/admins\/bob\.pem`, valid until \d{4}-\d{2}-\d{2} — deleted from the branch, which revokes nothing/,
    );
    expect(issue.body).not.toContain("No certificate");
  });

  it("generates the CA, master and node PKI of a new cluster, which openssl and gpg accept", async () => {
    const f = await pushed({
      files: {
        "clusters/staging/cluster.yml": CLUSTER_YML.replace("k8s.example.com", "staging.example.com"),
      },
    });
    expect(f.tip.message.split("\n")[0]).toBe("kaws: generate the PKI of staging");
    const text = (path: string) => new TextDecoder().decode(f.file(path));
    const ca = text("clusters/staging/ca.pem");
    expect(opensslVerify(ca, text("clusters/staging/master.pem"), "sslserver").status).toBe(0);
    expect(opensslVerify(ca, text("clusters/staging/node.pem"), "sslclient").status).toBe(0);
    const opened = ids().alice.decrypt(f.file("clusters/staging/ca-key.pem.asc"));
    expect(opened.status).toBe(0);
    expect(opened.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(ids().mallory.decrypt(f.file("clusters/staging/ca-key.pem.asc")).status).not.toBe(0);
    expect([...f.tip.files.keys()].filter((p) => p.startsWith("clusters/staging/")).sort()).toEqual([
      "clusters/staging/ca-key.pem.asc",
      "clusters/staging/ca.pem",
      "clusters/staging/cluster.yml",
      "clusters/staging/master-key.pem.asc",
      "clusters/staging/master.pem",
      "clusters/staging/node-key.pem.asc",
      "clusters/staging/node.pem",
    ]);
  });

  it("ends with the final set when the branch moves under it: no commit lost", async () => {
    const f = await pushed(
      { files: { "pubkeys/carol.asc": ids().carol.exportPublic() } },
      {
        // another merge lands while the bot works: its first ref update is refused as not a fast forward
        beforePush: (fixture) => {
          const second = fixture.repo.commit(
            {
              ...built().files,
              "pubkeys/carol.asc": ids().carol.exportPublic(),
              "pubkeys/mallory.asc": ids().mallory.exportPublic(),
            },
            {},
            [fixture.github.refs.get("heads/main")!],
            "second merge",
          );
          fixture.github.failNext("PATCH", /\/git\/refs\/heads\/main$/, 422, "Update is not a fast forward");
          fixture.github.refs.set("heads/main", second);
        },
      },
    );
    const parent = f.repo.required(f.tip.parents[0]!);
    expect(parent.message).toBe("second merge"); // built on the latest merge, which is kept
    for (const reader of [ids().carol, ids().mallory, ids().alice, ids().bot])
      expect(reader.decrypt(f.file("clusters/prod/node-key.pem.asc")).status).toBe(0);
    expect(
      f.github.calls.filter((c) => c.method === "PATCH" && c.path.endsWith("/git/refs/heads/main")),
    ).toHaveLength(2);
  });
});

describe("/kaws reencrypt", () => {
  it("runs the reconciler for a maintainer and says what it did; refuses anyone else", async () => {
    // carol's key reached the default branch, but no push was reconciled yet
    const fixture = pullRequestFixture(
      { ...built().files, "pubkeys/carol.asc": ids().carol.exportPublic() },
      {},
    );
    const server = await startWebhookServer({ now: () => new Date(), botKey: ids().bot.exportSecret() });
    try {
      const pull = pullRequestPayload({ headSha: fixture.baseSha, baseSha: fixture.baseSha });
      const onIssue = (id: number, login: string) => {
        const payload = commentPayload({ pull, id, login, body: "/kaws reencrypt", at: new Date() });
        const issue: Record<string, unknown> = { ...payload.issue, number: 42 };
        delete issue.pull_request; // a plain issue, not a pull request
        return { ...payload, issue };
      };
      fixture.github.addComment(42, "mallory", "/kaws reencrypt", new Date());
      expect(await server.deliver("issue_comment", onIssue(100, "mallory"), "c1")).toBe(200);
      expect(fixture.github.refs.get("heads/main")).toBe(fixture.baseSha);
      fixture.github.addComment(42, "dave", "/kaws reencrypt", new Date());
      expect(await server.deliver("issue_comment", onIssue(101, "dave"), "c2")).toBe(200);
      const tip = fixture.repo.required(fixture.github.refs.get("heads/main")!);
      expect(tip.message.split("\n")[0]).toBe("kaws: re-encrypt 3 keys");
      expect(
        ids().carol.decrypt(fixture.repo.blobs.get(tip.files.get("clusters/prod/ca-key.pem.asc")!.oid)!)
          .status,
      ).toBe(0);
      const replies = fixture.github.comments
        .filter((c) => c.issue === 42 && c.user.type === "Bot")
        .map((c) => c.body);
      expect(replies).toEqual([
        expect.stringContaining("@mallory thanks — `/kaws` commands are for the maintainers"),
        expect.stringContaining("@dave done: the default branch is reconciled in one commit."),
      ]);
    } finally {
      await server.stop();
    }
  });
});

describe("/kaws rotate", () => {
  it("keeps ONE rotation pull request per cluster: asked again at the same head it points to it; after the branch moved it is made again in place", async () => {
    const fixture = pullRequestFixture(built().files, {});
    const server = await startWebhookServer({ now: () => new Date(), botKey: ids().bot.exportSecret() });
    const pull = pullRequestPayload({ headSha: fixture.baseSha, baseSha: fixture.baseSha });
    let id = 200;
    const ask = async () => {
      const payload = commentPayload({
        pull,
        id: ++id,
        login: "dave",
        body: "/kaws rotate prod",
        at: new Date(),
      });
      const issue: Record<string, unknown> = { ...payload.issue, number: 43 };
      delete issue.pull_request;
      fixture.github.addComment(43, "dave", "/kaws rotate prod", new Date());
      expect(await server.deliver("issue_comment", { ...payload, issue }, `r${id}`)).toBe(200);
      return fixture.github.comments.filter((c) => c.issue === 43 && c.user.type === "Bot").at(-1)!.body;
    };
    try {
      expect(await ask()).toContain("opened #900 to rotate **prod**");
      const first = fixture.github.refs.get("heads/kaws/rotate-prod")!;
      expect(await ask()).toContain("#900 already rotates **prod** from the default branch's head");
      expect(fixture.github.refs.get("heads/kaws/rotate-prod")).toBe(first); // the keys under review stay
      // carol joins on the default branch: a rotation from the old head would leave her out
      const moved = fixture.repo.commit(
        { ...built().files, "pubkeys/carol.asc": ids().carol.exportPublic() },
        {},
        [fixture.baseSha],
        "add carol",
      );
      fixture.github.refs.set("heads/main", moved);
      expect(await ask()).toContain("updated #900 to rotate **prod** from the default branch's new head");
      expect(fixture.github.createdPulls).toHaveLength(1);
      const again = fixture.repo.required(fixture.github.refs.get("heads/kaws/rotate-prod")!);
      expect(again.parents).toEqual([moved]);
      const caKey = fixture.repo.blobs.get(again.files.get("clusters/prod/ca-key.pem.asc")!.oid)!;
      expect(ids().carol.decrypt(caKey).status).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it("opens a pull request with a new CA, master and node keys and the admins' certificates re-issued", async () => {
    const fixture = pullRequestFixture(built().files, {});
    const server = await startWebhookServer({ now: () => new Date(), botKey: ids().bot.exportSecret() });
    try {
      const pull = pullRequestPayload({ headSha: fixture.baseSha, baseSha: fixture.baseSha });
      const payload = commentPayload({
        pull,
        id: 100,
        login: "dave",
        body: "/kaws rotate prod",
        at: new Date(),
      });
      const issue: Record<string, unknown> = { ...payload.issue, number: 43 };
      delete issue.pull_request;
      fixture.github.addComment(43, "dave", "/kaws rotate prod", new Date());
      expect(await server.deliver("issue_comment", { ...payload, issue }, "r1")).toBe(200);
      expect(fixture.github.refs.get("heads/main")).toBe(fixture.baseSha); // nothing pushed to the default branch
      expect(fixture.github.createdPulls).toHaveLength(1);
      const proposal = fixture.github.createdPulls[0]!;
      expect(proposal.title).toBe("kaws: rotate the PKI of prod");
      expect(proposal.body).toContain("Admin certificates re-issued from their CSRs: @alice, @bob.");
      const commit = fixture.repo.required(fixture.github.refs.get(`heads/${proposal.head}`)!);
      expect(commit.parents).toEqual([fixture.baseSha]);
      const text = (path: string) =>
        new TextDecoder().decode(fixture.repo.blobs.get(commit.files.get(path)!.oid)!);
      const newCa = text("clusters/prod/ca.pem");
      expect(newCa).not.toBe(built().files["clusters/prod/ca.pem"]);
      expect(opensslVerify(newCa, text("clusters/prod/master.pem"), "sslserver").status).toBe(0);
      for (const login of ["alice", "bob"]) {
        expect(opensslVerify(newCa, text(`clusters/prod/admins/${login}.pem`), "sslclient").status).toBe(0);
        expect(
          opensslVerify(built().pki.certificates.ca, text(`clusters/prod/admins/${login}.pem`), "sslclient")
            .status,
        ).not.toBe(0);
      }
      const newCaKey = ids().alice.decrypt(text("clusters/prod/ca-key.pem.asc"));
      expect(newCaKey.status).toBe(0);
      expect(newCaKey.stdout).not.toBe(new TextDecoder().decode(built().pki.privateKeys.ca));
      expect(fixture.github.comments.find((c) => c.issue === 43 && c.user.type === "Bot")?.body).toContain(
        "opened #900 to rotate **prod**",
      );
    } finally {
      await server.stop();
    }
  });
});
