import { describe, expect, it } from "vitest";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { CLUSTER_YML } from "../helpers/build-repo.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { errorsOf, useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

function carolOnboarding(groups = "/O=developers") {
  const { csr } = makeCsr(`/CN=carol${groups}`);
  return {
    "pubkeys/carol.asc": ids().carol.exportPublic(),
    "clusters/prod/admins/carol.csr": csr,
    "clusters/prod/admins/carol.csr.asc": ids().carol.detachSign(csr),
  };
}

describe("evaluateChange", () => {
  it("judges a new admin's PR (key + CSR signed with it) as a valid request with what the merge will do", async () => {
    const base = repo().tree();
    const head = withFiles(repo().files, carolOnboarding());
    const result = await evaluateChange({ base, head, author: "Carol", now: repo().now });
    expect(errorsOf(result.findings)).toEqual([]);
    expect(result).toMatchObject({
      ok: true,
      kind: "request",
      author: "carol",
      requiredApprovals: 1,
      privilegedPaths: [],
    });
    expect(result.requests).toEqual([
      expect.objectContaining({
        cluster: "prod",
        login: "carol",
        groups: ["developers"],
        signerFingerprint: ids().carol.fingerprint,
        privilegedGroups: [],
      }),
    ]);
    expect(result.changedKeys.map(({ login, fingerprint }) => ({ login, fingerprint }))).toEqual([
      { login: "carol", fingerprint: ids().carol.fingerprint },
    ]);
    const rules = result.findings.map((f) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        "pubkey.new",
        "csr.signature.new-key",
        "csr.certificate.pending",
        "key-file.recipients.pending",
      ]),
    );
    expect(result.pending).toEqual(
      expect.arrayContaining([
        { kind: "issue-certificate", cluster: "prod", login: "carol" },
        { kind: "reencrypt", path: "clusters/prod/ca-key.pem.asc" },
        { kind: "reencrypt", path: "clusters/prod/master-key.pem.asc" },
        { kind: "reencrypt", path: "clusters/prod/node-key.pem.asc" },
      ]),
    );
  });

  it("asks for the stricter group_approvals when system:masters is requested, and says so", async () => {
    const head = withFiles(repo().files, carolOnboarding("/O=system:masters"));
    const result = await evaluateChange({ base: repo().tree(), head, author: "carol", now: repo().now });
    expect(result.requiredApprovals).toBe(2);
    expect(result.requests[0]?.privilegedGroups).toEqual(["system:masters"]);
    expect(result.findings.some((f) => f.rule === "csr.group.privileged")).toBe(true);
  });

  it("treats a new cluster.yml as privileged, with its PKI pending rather than an error", async () => {
    const head = withFiles(repo().files, { "clusters/staging/cluster.yml": CLUSTER_YML });
    const result = await evaluateChange({ base: repo().tree(), head, author: "carol", now: repo().now });
    expect(result).toMatchObject({
      ok: true,
      kind: "privileged",
      privilegedPaths: ["clusters/staging/cluster.yml"],
    });
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        rule: "cluster.pki.pending",
        severity: "warning",
        path: "clusters/staging/cluster.yml",
      }),
    );
    expect(result.pending).toContainEqual({ kind: "generate-pki", cluster: "staging" });
  });

  it("treats removing an admin as privileged, re-encryption pending and rotation advised", async () => {
    const bobFiles = [
      "pubkeys/bob.asc",
      "clusters/prod/admins/bob.csr",
      "clusters/prod/admins/bob.csr.asc",
      "clusters/prod/admins/bob.pem",
    ];
    const result = await evaluateChange({
      base: repo().tree(),
      head: withFiles(repo().files, {}, bobFiles),
      author: "carol",
      now: repo().now,
    });
    expect(result).toMatchObject({ ok: true, kind: "privileged" });
    expect(result.privilegedPaths).toEqual([...bobFiles].sort());
    expect(result.pending).toContainEqual({ kind: "rotation-advised", login: "bob" });
    expect(result.findings.filter((f) => f.rule === "key-file.recipients.pending")).toEqual([
      expect.objectContaining({
        path: "pubkeys/bob.asc",
        message: expect.stringContaining("re-encrypts 3 private key(s) of 1 cluster(s)"),
      }),
    ]);
    expect(result.pending.filter((p) => p.kind === "reencrypt")).toHaveLength(3);
  });

  it("reports nothing to do when no managed file changed", async () => {
    const result = await evaluateChange({
      base: repo().tree(),
      head: withFiles(repo().files, { "README.md": "docs" }),
      author: "carol",
      now: repo().now,
    });
    expect(result).toMatchObject({ ok: true, kind: "none", requests: [], pending: [] });
  });

  it("keeps a hand-edited key file an error: only the bot writes them", async () => {
    const head = withFiles(repo().files, {
      "clusters/prod/node-key.pem.asc": repo().files["clusters/prod/ca-key.pem.asc"]!,
      "pubkeys/carol.asc": ids().carol.exportPublic(),
    });
    const result = await evaluateChange({ base: repo().tree(), head, author: "carol", now: repo().now });
    const finding = result.findings.find(
      (f) => f.path === "clusters/prod/node-key.pem.asc" && f.severity === "error",
    );
    expect(finding?.message).toContain("changed by this pull request");
    expect(result.ok).toBe(false);
  });

  it("reports a broken config on the default branch as an error of the change", async () => {
    const base = withFiles(repo().files, { ".github/kaws.yml": "approvals: many\n" });
    const result = await evaluateChange({
      base,
      head: withFiles(repo().files, { ".github/kaws.yml": "approvals: many\n", ...carolOnboarding() }),
      author: "carol",
      now: repo().now,
    });
    expect(result.ok).toBe(false);
    expect(result.findings.filter((f) => f.rule === "config.invalid").map((f) => f.message)).toEqual([
      expect.stringMatching(/^on the default branch: .github\/kaws.yml is invalid: approvals/),
    ]);
  });
});

describe("evaluateChange: what needs a maintainer beyond a request", () => {
  it("warns change.privileged on each managed file outside the author's own request, naming the author", async () => {
    const result = await evaluateChange({
      base: repo().tree(),
      head: withFiles(repo().files, { "pubkeys/bob.asc": ids().mallory.exportPublic() }),
      author: "carol",
      now: repo().now,
    });
    expect(result.kind).toBe("privileged");
    expect(result.findings.filter((f) => f.rule === "change.privileged")).toEqual([
      {
        rule: "change.privileged",
        severity: "warning",
        path: "pubkeys/bob.asc",
        message: "modified by carol: a privileged change, which needs maintainer approval",
      },
    ]);
  });

  it("warns change.code on each changed file that runs with the bot's key, and on none of the docs", async () => {
    const result = await evaluateChange({
      base: repo().tree(),
      head: withFiles(repo().files, { "src/backdoor.ts": "export {};\n", "docs/notes.md": "notes" }),
      author: "carol",
      now: repo().now,
    });
    expect(result.codePaths).toEqual(["src/backdoor.ts"]);
    expect(result.findings.filter((f) => f.rule === "change.code")).toEqual([
      {
        rule: "change.code",
        severity: "warning",
        path: "src/backdoor.ts",
        message:
          "added by carol: code that runs with the bot's key (which opens every cluster's private keys); a maintainer must review the code itself and approve",
      },
    ]);
  });
});

describe("evaluateChange on a default branch that is not reconciled", () => {
  it("warns, without blaming the change, when key files were already wrong before it", async () => {
    const drifted = { "pubkeys/carol.asc": ids().carol.exportPublic() };
    const base = withFiles(repo().files, drifted);
    const head = withFiles(repo().files, {
      ...drifted,
      ".github/kaws.yml": repo().files[".github/kaws.yml"] + "\n",
    });
    const result = await evaluateChange({ base, head, author: "carol", now: repo().now });
    expect(result.findings.filter((f) => f.rule === "key-file.recipients.unreconciled")).toHaveLength(3);
    expect(result.ok).toBe(true);
  });

  it("warns cluster.pki.unreconciled, without blaming the change, for a cluster the default branch left without PKI", async () => {
    const drifted = { "clusters/dev/cluster.yml": CLUSTER_YML };
    const result = await evaluateChange({
      base: withFiles(repo().files, drifted),
      head: withFiles(repo().files, { ...drifted, "README.md": "docs" }),
      author: "carol",
      now: repo().now,
    });
    expect(result.findings.filter((f) => f.path === "clusters/dev/cluster.yml")).toEqual([
      {
        rule: "cluster.pki.unreconciled",
        severity: "warning",
        path: "clusters/dev/cluster.yml",
        message:
          "the default branch is not reconciled: the cluster has no PKI yet: the bot generates it when this is on the default branch (or run `kaws cluster genpki`)",
      },
    ]);
    expect(result.ok).toBe(true);
    expect(result.pending).toEqual([]);
  });
});
