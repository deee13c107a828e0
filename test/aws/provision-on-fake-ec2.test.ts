import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { clusterCommand } from "../../src/cli/cluster-command.js";
import { CliError } from "../../src/cli/cli-error.js";
import { provisionCommand } from "../../src/cli/provision-command.js";
import { CLUSTER_YML, commitFiles } from "../helpers/build-repo.js";
import { FakeEc2, type FakeInstance } from "../helpers/fake-ec2.js";
import { opensslVerify } from "../helpers/openssl.js";
import { run } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo: built } = useRepo();
const work = mkdtempSync(join(tmpdir(), "kaws-provision-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let fake: FakeEc2;
let repo: string;
beforeEach(async () => {
  fake = await new FakeEc2().start();
  repo = mkdtempSync(join(work, "repo-"));
  commitFiles(repo, built().files);
});
afterEach(() => fake.close());

function client(maxAttempts = 1): EC2Client {
  return new EC2Client({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: { accessKeyId: "AKIDKAWSTEST", secretAccessKey: "kaws-test-secret" },
    maxAttempts,
  });
}

/** Run `kaws provision` in process: exit code and everything it printed (errors included). */
async function provision(
  action: "plan" | "apply",
  options: { botKey?: boolean; maxAttempts?: number; json?: boolean; timeoutMs?: number } = {},
) {
  let output = "";
  let code: number;
  try {
    code = await provisionCommand(
      action,
      {
        repo,
        cluster: "prod",
        json: options.json === true,
        now: built().now,
        botKey: options.botKey === false ? undefined : ids().bot.exportSecret(),
        ec2: client(options.maxAttempts),
        wait: { pollMs: 1, timeoutMs: options.timeoutMs ?? 5_000 },
      },
      { write: (text) => void (output += text) },
    );
  } catch (cause) {
    if (!(cause instanceof CliError)) throw cause;
    output += `kaws: ${cause.message}\n`;
    code = cause.exitCode;
  }
  return { code, output };
}

const mutations = () => fake.actions().filter((a) => !a.startsWith("Describe"));

/** The files a role's user-data writes, decoded from the cloud-config EC2 was given. */
function filesOf(instance: FakeInstance): Record<string, string> {
  const cloudConfig = Buffer.from(instance.userData ?? "", "base64").toString();
  const files: Record<string, string> = {};
  for (const match of cloudConfig.matchAll(/- path: (\S+)\n(?: {4}.*\n)*? {4}content: (\S+)/g))
    files[match[1]!] = Buffer.from(match[2]!, "base64").toString();
  return files;
}

const read = (path: string) => readFileSync(join(repo, path), "utf8");
const publicKeyOf = (pem: string, kind: "x509" | "pkey") =>
  run("openssl", kind === "x509" ? ["x509", "-noout", "-pubkey"] : ["pkey", "-pubout"], {
    input: pem,
  }).toString();

describe("kaws provision on an empty account", () => {
  it("plans everything and changes nothing; apply makes it; plan then finds no changes", async () => {
    const plan = await provision("plan");
    expect(plan.code).toBe(2);
    const lines = plan.output.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("+ create security group"))).toEqual([
      "+ create security group kaws-prod-bastion",
      "+ create security group kaws-prod-masters",
      "+ create security group kaws-prod-nodes",
    ]);
    expect(lines).toContain("+ allow tcp/22 from 203.0.113.0/24 on kaws-prod-bastion");
    expect(lines).toContain("+ allow tcp/443 from 0.0.0.0/0 on kaws-prod-masters");
    expect(lines).toContain("+ allow all traffic from kaws-prod-bastion on kaws-prod-nodes");
    expect(lines.filter((l) => l.startsWith("+ launch a masters instance with PKI"))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith("+ launch a bastion instance"))).toHaveLength(1);
    expect(lines.at(-1)).toBe("23 changes: `kaws provision apply prod` makes them");
    expect(mutations()).toEqual([]);
    expect(fake.calls.filter((c) => c.dryRun).map((c) => c.action)).toEqual([
      "CreateSecurityGroup",
      "AuthorizeSecurityGroupIngress",
      "RunInstances",
    ]);

    const apply = await provision("apply");
    expect(apply.output).toContain("done: cluster prod on EC2 matches");
    expect(apply.code).toBe(0);

    const again = await provision("plan");
    expect(again).toEqual({
      code: 0,
      output: "no changes: cluster prod on EC2 matches cluster.yml, its PKI and the security group policy\n",
    });
    const before = fake.actions().length;
    expect((await provision("apply")).code).toBe(0);
    expect(
      fake
        .actions()
        .slice(before)
        .every((a) => a.startsWith("Describe")),
    ).toBe(true);
  });

  it("opens exactly the documented ports, tags everything, and gives each role its own PKI", async () => {
    expect((await provision("apply")).code).toBe(0);
    const group = (role: string) => fake.groupByName(`kaws-prod-${role}`)!;
    const own = ["bastion", "masters", "nodes"].map((role) => group(role).groupId).sort();
    const open = (role: string) =>
      group(role)
        .ingress.filter((r) => r.source.kind !== "group")
        .map((r) => `${r.protocol}/${r.fromPort}-${r.toPort} ${r.source.value}`)
        .sort();
    expect(open("bastion")).toEqual(["tcp/22-22 203.0.113.0/24"]);
    expect(open("masters")).toEqual(["tcp/443-443 0.0.0.0/0"]);
    expect(open("nodes")).toEqual(["tcp/443-443 0.0.0.0/0", "tcp/80-80 0.0.0.0/0"]);
    for (const role of ["bastion", "masters", "nodes"]) {
      const fromCluster = group(role).ingress.filter((r) => r.source.kind === "group");
      expect(fromCluster.every((r) => r.protocol === "-1")).toBe(true);
      expect(fromCluster.map((r) => r.source.value).sort()).toEqual(own);
      expect(group(role).tags).toMatchObject({ "kaws:cluster": "prod", "kaws:role": role });
    }

    expect(fake.live("bastion")).toHaveLength(1);
    expect(fake.live("masters")).toHaveLength(3);
    expect(fake.live("nodes")).toHaveLength(3);
    const [bastion] = fake.live("bastion");
    expect(bastion!.keyName).toBe("ops");
    expect(bastion!.instanceType).toBe("t3.micro");
    expect(bastion!.groupIds).toEqual([group("bastion").groupId]);
    expect(Object.keys(filesOf(bastion!))).toEqual([]);

    for (const [role, name] of [
      ["masters", "master"],
      ["nodes", "node"],
    ] as const) {
      for (const instance of fake.live(role)) {
        expect(instance.httpTokens).toBe("required");
        expect(instance.keyName).toBeNull();
        expect(instance.tags["kaws:pki"]).toMatch(/^[0-9a-f]{16}$/);
        const files = filesOf(instance);
        expect(Object.keys(files).sort()).toEqual(
          [
            `/etc/kubernetes/ssl/ca.pem`,
            `/etc/kubernetes/ssl/${name}-key.pem`,
            `/etc/kubernetes/ssl/${name}.pem`,
          ].sort(),
        );
        expect(files["/etc/kubernetes/ssl/ca.pem"]).toBe(read("clusters/prod/ca.pem"));
        const certificate = files[`/etc/kubernetes/ssl/${name}.pem`]!;
        expect(certificate).toBe(read(`clusters/prod/${name}.pem`));
        expect(
          opensslVerify(
            read("clusters/prod/ca.pem"),
            certificate,
            role === "masters" ? "sslserver" : "sslclient",
          ).status,
        ).toBe(0);
        // the key openssl reads from user-data is the certificate's: gpg opened the same one
        const key = files[`/etc/kubernetes/ssl/${name}-key.pem`]!;
        expect(publicKeyOf(key, "pkey")).toBe(publicKeyOf(certificate, "x509"));
        expect(key).toBe(
          ids()
            .bob.decrypt(read(`clusters/prod/${name}-key.pem.asc`))
            .stdout.toString(),
        );
      }
    }
  });

  it("reads every page when EC2 pages its answers", async () => {
    fake.pageSize = 2;
    expect((await provision("apply")).code).toBe(0);
    expect(await provision("plan")).toMatchObject({ code: 0 });
    const pages = fake.calls.filter(
      (c) => c.action === "DescribeInstances" && c.params.NextToken !== undefined,
    );
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(fake.live("masters")).toHaveLength(3);
  });

  it("never prints a private key or user-data", async () => {
    const plan = await provision("plan", { json: true });
    const apply = await provision("apply");
    expect(apply.code).toBe(0);
    const masterKey = ids().bob.decrypt(read("clusters/prod/master-key.pem.asc")).stdout.toString();
    const keyBody = masterKey.split("\n")[1]!;
    for (const output of [plan.output, apply.output]) {
      expect(output).not.toContain("PRIVATE KEY");
      expect(output).not.toContain(keyBody);
      expect(output).not.toContain(fake.live("masters")[0]!.userData!.slice(0, 40));
    }
    expect(JSON.parse(plan.output)).toMatchObject({ cluster: "prod", problems: [] });
  });
});

describe("IPv6 admin_cidrs", () => {
  it("go to EC2 as IPv6 ranges, in EC2's own form, and a second plan finds no drift", async () => {
    commitFiles(repo, {
      "clusters/prod/cluster.yml": CLUSTER_YML.replace(
        "admin_cidrs: [203.0.113.0/24]",
        'admin_cidrs: [203.0.113.0/24, "2001:DB8:0:0::/48"]',
      ),
    });
    const plan = await provision("plan");
    expect(plan.output).toContain("+ allow tcp/22 from 2001:db8::/48 on kaws-prod-bastion");
    const apply = await provision("apply");
    expect(apply.output).toContain("done: cluster prod on EC2 matches");
    expect(apply.code).toBe(0);
    const bastion = [...fake.groups.values()].find((g) => g.name === "kaws-prod-bastion")!;
    expect(bastion.ingress.map((r) => r.source).filter((source) => source.kind !== "group")).toEqual([
      { kind: "cidr", value: "203.0.113.0/24" },
      { kind: "ipv6", value: "2001:db8::/48" },
    ]);
    expect(await provision("plan")).toMatchObject({ code: 0 });
  });
});

describe("drift", () => {
  it("reports a hand-added rule and revokes it, leaving the policy's rules", async () => {
    expect((await provision("apply")).code).toBe(0);
    const nodes = fake.groupByName("kaws-prod-nodes")!;
    nodes.ingress.push({
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      source: { kind: "cidr", value: "0.0.0.0/0" },
    });
    const policyRules = nodes.ingress.length - 1;

    const plan = await provision("plan");
    expect(plan.code).toBe(2);
    expect(plan.output).toMatch(
      new RegExp(
        `^- revoke tcp/22 from 0\\.0\\.0\\.0/0 on kaws-prod-nodes \\(${nodes.groupId}\\): not in the policy$`,
        "m",
      ),
    );
    expect(plan.output).toContain("1 change:");

    const apply = await provision("apply");
    expect(apply.code).toBe(0);
    expect(mutations().filter((a) => a === "RevokeSecurityGroupIngress")).toHaveLength(1);
    expect(nodes.ingress).toHaveLength(policyRules);
    expect(nodes.ingress.some((r) => r.fromPort === 22)).toBe(false);
    expect((await provision("plan")).code).toBe(0);
  });

  it("treats a rule from a group outside the cluster, or a protocol given by number, by what it allows", async () => {
    expect((await provision("apply")).code).toBe(0);
    const masters = fake.groupByName("kaws-prod-masters")!;
    const stranger = fake.addGroup({
      name: "someone-elses",
      description: "x",
      vpcId: "vpc-0abc1234",
      tags: {},
    });
    masters.ingress.push({
      protocol: "-1",
      fromPort: null,
      toPort: null,
      source: { kind: "group", value: stranger.groupId },
    });
    // "6" is tcp: the same rule as the policy's, not drift
    const https = masters.ingress.findIndex((r) => r.fromPort === 443);
    masters.ingress[https] = { ...masters.ingress[https]!, protocol: "6" };
    const plan = await provision("plan");
    expect(plan.output.trim().split("\n")).toEqual([
      `- revoke all traffic from ${stranger.groupId} on kaws-prod-masters (${masters.groupId}): not in the policy`,
      "1 change: `kaws provision apply prod` makes them",
    ]);
  });

  it("launches what is missing and terminates the surplus", async () => {
    expect((await provision("apply")).code).toBe(0);
    const [gone] = fake.live("nodes");
    gone!.state = "terminated";
    const extra = fake.live("masters")[0]!;
    fake.instances.set("i-0extra0000000000", {
      ...extra,
      instanceId: "i-0extra0000000000",
      launchTime: new Date(0),
    });
    const plan = await provision("plan");
    expect(plan.output).toContain(
      "- terminate masters instance i-0extra0000000000: cluster.yml wants 3 masters, there are 4",
    );
    expect(plan.output).toMatch(/^\+ launch a nodes instance with PKI [0-9a-f]{16}$/m);
    expect(plan.code).toBe(2);
    expect((await provision("apply")).code).toBe(0);
    expect(fake.live("masters").map((i) => i.instanceId)).not.toContain("i-0extra0000000000");
    expect(fake.live("nodes")).toHaveLength(3);
  });
});

describe("a rotated PKI", () => {
  it("replaces masters and nodes one at a time, never running fewer than cluster.yml asks", async () => {
    expect((await provision("apply")).code).toBe(0);
    const bastion = fake.live("bastion")[0]!.instanceId;
    const oldMasters = fake.live("masters").map((i) => i.instanceId);
    const oldGeneration = fake.live("masters")[0]!.tags["kaws:pki"];

    await clusterCommand("rotate", { repo, cluster: "prod", now: built().now }, { write: () => undefined });
    commitFiles(repo, {}, "rotate prod");
    const plan = await provision("plan");
    expect(plan.code).toBe(2);
    const replaces = plan.output.split("\n").filter((l) => l.startsWith("~ replace"));
    expect(replaces).toHaveLength(6);
    expect(replaces[0]).toMatch(
      new RegExp(
        `^~ replace masters instance i-\\S+: PKI ${oldGeneration} -> [0-9a-f]{16} \\(one at a time\\)$`,
      ),
    );

    const start = fake.runningAfterEachChange.length;
    const apply = await provision("apply");
    expect(apply.code).toBe(0);
    expect(mutations().slice(-12)).toEqual(
      Array.from({ length: 6 }, () => ["RunInstances", "TerminateInstances"]).flat(),
    );
    for (const { running } of fake.runningAfterEachChange.slice(start)) {
      expect(running.masters).toBeGreaterThanOrEqual(3);
      expect(running.nodes).toBeGreaterThanOrEqual(3);
    }
    const masters = fake.live("masters");
    expect(masters.map((i) => i.instanceId).filter((id) => oldMasters.includes(id))).toEqual([]);
    expect(new Set(masters.map((i) => i.tags["kaws:pki"])).size).toBe(1);
    expect(masters[0]!.tags["kaws:pki"]).not.toBe(oldGeneration);
    expect(filesOf(masters[0]!)["/etc/kubernetes/ssl/master.pem"]).toBe(read("clusters/prod/master.pem"));
    expect(fake.live("bastion").map((i) => i.instanceId)).toEqual([bastion]);
    expect((await provision("plan")).code).toBe(0);
  });

  it("stops without terminating anything when the new instance does not run", async () => {
    expect((await provision("apply")).code).toBe(0);
    await clusterCommand("rotate", { repo, cluster: "prod", now: built().now }, { write: () => undefined });
    fake.pendingPolls = 1_000_000;
    const apply = await provision("apply", { timeoutMs: 200 });
    expect(apply.code).toBe(1);
    expect(apply.output).toMatch(
      /new instance i-\S+ is still pending after 1 s: nothing older was terminated/,
    );
    expect(mutations().filter((a) => a === "TerminateInstances")).toEqual([]);

    // the next run finds four masters, one of them still pending: an old one goes only once it runs
    // it runs at the third look from now: the plan's, apply's own, and apply's wait
    const pending = fake.live("masters").find((i) => i.state === "pending")!;
    fake.pendingPolls = pending.polls + 3;
    const plan = await provision("plan");
    expect(plan.output).toMatch(
      /^- terminate masters instance i-\S+: cluster.yml wants 3 masters, there are 4 \(once i-\S+ runs\)$/m,
    );
    const start = fake.runningAfterEachChange.length;
    expect((await provision("apply")).code).toBe(0);
    for (const { running } of fake.runningAfterEachChange.slice(start))
      expect(running.masters).toBeGreaterThanOrEqual(3);
    expect(new Set(fake.live("masters").map((i) => i.tags["kaws:pki"])).size).toBe(1);
    expect(fake.live("masters")).toHaveLength(3);
  });
});

describe("errors say what to fix", () => {
  it("missing permissions are found by a dry run before any change", async () => {
    fake.denied.add("RunInstances");
    const plan = await provision("plan");
    expect(plan.code).toBe(1);
    expect(plan.output).toContain(
      "error: the AWS credentials lack ec2:RunInstances (a dry run said so): apply would stop half-way, so grant them first",
    );
    const apply = await provision("apply");
    expect(apply.code).toBe(1);
    expect(mutations()).toEqual([]);
  });

  it("throttling is retried, and said plainly when it lasts", async () => {
    fake.fail("DescribeSecurityGroups", "RequestLimitExceeded", 1);
    expect((await provision("plan", { maxAttempts: 2 })).code).toBe(2);
    fake.fail("DescribeInstances", "RequestLimitExceeded");
    const plan = await provision("plan", { maxAttempts: 2 });
    expect(plan.code).toBe(1);
    expect(plan.output).toContain(
      "kaws: EC2 is throttling ec2:DescribeInstances (RequestLimitExceeded) after 2 attempts: run again in a few minutes",
    );
  });

  it("unauthorized reads, a missing VPC, a bad AMI", async () => {
    fake.denied.add("DescribeInstances");
    const denied = await provision("apply");
    expect(denied.output).toMatch(/\nno change was made\n$/);
    expect(denied.output).toContain(
      "kaws: the AWS credentials may not call ec2:DescribeInstances (UnauthorizedOperation): grant it to the role kaws runs as",
    );
    fake.denied.clear();

    fake.vpcs.clear();
    const noVpc = await provision("plan");
    expect(noVpc.code).toBe(1);
    expect(noVpc.output).toContain(
      "error: VPC vpc-0abc1234 (vpc_id in clusters/prod/cluster.yml) does not exist in us-east-1, or these credentials cannot see it: fix vpc_id or region",
    );
    fake.vpcs.add("vpc-0abc1234");

    fake.amis.clear();
    const badAmi = await provision("apply");
    expect(badAmi.code).toBe(1);
    expect(badAmi.output).toContain("kaws: EC2 refused the AMI (InvalidAMIID.NotFound) in ec2:RunInstances");
    expect(badAmi.output).toContain("fix ami in cluster.yml");
    expect(badAmi.output).toMatch(
      /the 16 changes listed above were made; run `kaws provision apply prod` again to continue from what EC2 has/,
    );
    // the security groups made before the failure are kept, and the next apply goes on from there
    fake.amis.add("ami-0abc1234");
    const resumed = await provision("apply");
    expect(resumed.output).not.toContain("create security group");
    expect(resumed.code).toBe(0);
  });

  it("apply without the bot's key changes nothing", async () => {
    const apply = await provision("apply", { botKey: false });
    expect(apply.code).toBe(1);
    expect(apply.output).toContain("set KAWS_BOT_KEY");
    expect(mutations()).toEqual([]);
  });

  it("a cluster whose files fail verification is not provisioned", async () => {
    commitFiles(repo, { "clusters/prod/master.pem": read("clusters/prod/node.pem") });
    const plan = await provision("plan");
    expect(plan.code).toBe(1);
    expect(plan.output).toContain("kaws: cluster prod fails `kaws verify`, so nothing is provisioned:");
    expect(plan.output).toContain("clusters/prod/master.pem:");
    expect(fake.calls).toEqual([]);
  });
});
