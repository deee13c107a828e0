import { describe, expect, it } from "vitest";
import { parseClusterSpec } from "../../src/core/config/cluster-spec.js";
import { DEFAULT_CONFIG, parseKawsConfig } from "../../src/core/config/kaws-config.js";
import { KawsInputError } from "../../src/core/findings.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { CLUSTER_YML, buildRepo } from "../helpers/build-repo.js";
import { identities } from "../helpers/identities.js";
import { withFiles } from "../helpers/mutate.js";
import { readFileSync } from "node:fs";

const bytes = (text: string) => new TextEncoder().encode(text);

function configError(text: string): string {
  try {
    parseKawsConfig(bytes(text));
  } catch (cause) {
    expect(cause).toBeInstanceOf(KawsInputError);
    return (cause as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe(".github/kaws.yml", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_CONFIG).toEqual({
      maintainers: [],
      maintainer_teams: [],
      approvals: 1,
      group_approvals: {},
      allowed_groups: [],
      admin_cert_days: 90,
      approval_max_age_days: 30,
      renew_before_days: 14,
      identity: { require_github_gpg_key: true },
      keys: { min_rsa_bits: 3072 },
      provision: { workflow: "provision.yml" },
    });
  });

  it("takes renew_before_days as set, or 14, or admin_cert_days - 1 when certificates are shorter", () => {
    expect(parseKawsConfig(bytes("renew_before_days: 30\n")).renew_before_days).toBe(30);
    expect(parseKawsConfig(bytes("admin_cert_days: 20\n")).renew_before_days).toBe(14);
    expect(parseKawsConfig(bytes("admin_cert_days: 10\n")).renew_before_days).toBe(9);
    expect(parseKawsConfig(bytes("admin_cert_days: 10\nrenew_before_days: 3\n")).renew_before_days).toBe(3);
  });

  it("stores maintainer logins lower-case", () => {
    expect(parseKawsConfig(bytes("maintainers: [Alice, BOB]\n")).maintainers).toEqual(["alice", "bob"]);
  });

  it.each([
    ["approvers: 2\n", '.github/kaws.yml is invalid: unknown key "approvers"'],
    ["identity: {require_gpg: true}\n", 'identity: unknown key "require_gpg"'],
    ["admin_cert_days: 500\n", "admin_cert_days: Too big"],
    ["approvals: 0\n", "approvals: Too small"],
    ["approval_max_age_days: 0\n", "approval_max_age_days: Too small"],
    ["renew_before_days: 0\n", "renew_before_days: Too small"],
    ["renew_before_days: 2.5\n", "renew_before_days"],
    ["renew_before_days: 90\n", "renew_before_days: must be less than admin_cert_days (90)"],
    [
      "admin_cert_days: 30\nrenew_before_days: 45\n",
      "renew_before_days: must be less than admin_cert_days (30)",
    ],
    ["maintainers: *x\n", "uses a YAML alias (*), which kaws does not read"],
    ["a: &a [x, x]\nmaintainers: *a\n", "uses a YAML anchor (&), which kaws does not read"],
    ["maintainers: !!binary aGVsbG8=\n", "uses a YAML tag (tag:yaml.org,2002:binary)"],
    ["maintainers: [not a login!]\n", "maintainers.0: must be a GitHub login"],
    ["keys: {min_rsa_bits: 1024}\n", "keys.min_rsa_bits"],
    ["allowed_groups: ['a,b']\n", "allowed_groups.0"],
    ["maintainers: [a\n", "is not valid YAML"],
    ["maintainers: [a]\nmaintainers: [b]\n", "is not valid YAML"],
  ])("rejects %j naming the key and the file", (text, expected) => {
    const message = configError(text);
    expect(message).toContain(".github/kaws.yml");
    expect(message).toContain(expected);
  });

  it("rejects a config that is not UTF-8", () => {
    expect(configError("\u0000")).toBeTruthy();
    expect(() => parseKawsConfig(new Uint8Array([0xff, 0xfe, 0x00]))).toThrow(/not UTF-8/);
  });

  it("the example config of this repository is valid", () => {
    expect(() =>
      parseKawsConfig(readFileSync(new URL("../../.github/kaws.yml", import.meta.url))),
    ).not.toThrow();
  });

  it("when broken, is reported once instead of failing every CSR's groups", async () => {
    const repo = await buildRepo(identities());
    const { findings } = await verifyTree(withFiles(repo.files, { ".github/kaws.yml": "approvers: 2\n" }), {
      now: repo.now,
    });
    expect(findings.filter((f) => f.severity === "error").map((f) => f.rule)).toEqual(["config.invalid"]);
  });
});

describe("clusters/<c>/cluster.yml", () => {
  it("parses the documented example with the default service IP", () => {
    const spec = parseClusterSpec(bytes(CLUSTER_YML), "clusters/prod/cluster.yml");
    expect(spec.service_ip).toBe("10.3.0.1");
    expect(spec.masters).toEqual({ instance_type: "m5.large", count: 3 });
  });

  it.each([
    ["region: us-east-1", "region: must be an AWS region"],
    ["admin_cidrs: [203.0.113.0/24]", "admin_cidrs.0: must be a CIDR block", "admin_cidrs: [0.0.0.0/33]"],
    ["vpc_id: vpc-0abc1234", "vpc_id: must look like vpc-0abc1234", "vpc_id: my-vpc"],
  ])(
    "rejects a bad value of %s naming the key and the file",
    (line, expected, replacement = "region: mars-1") => {
      const text = CLUSTER_YML.replace(line, replacement);
      expect(() => parseClusterSpec(bytes(text), "clusters/prod/cluster.yml")).toThrow(expected);
      expect(() => parseClusterSpec(bytes(text), "clusters/prod/cluster.yml")).toThrow(
        "clusters/prod/cluster.yml",
      );
    },
  );

  it("rejects unknown keys", () => {
    expect(() =>
      parseClusterSpec(bytes(`${CLUSTER_YML}ssh_open_to_world: true\n`), "clusters/x/cluster.yml"),
    ).toThrow('unknown key "ssh_open_to_world"');
  });
});
