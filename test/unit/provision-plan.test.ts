import { describe, expect, it } from "vitest";
import { explainEc2Error } from "../../src/aws/ec2-error.js";
import { splitPermission } from "../../src/aws/ip-permission.js";
import { parseClusterSpec } from "../../src/core/config/cluster-spec.js";
import type { ObservedInstance } from "../../src/core/provision/ec2-state.js";
import { ruleKey } from "../../src/core/provision/ingress-rule.js";
import { planInstances } from "../../src/core/provision/plan-instances.js";
import { planProvision } from "../../src/core/provision/plan-provision.js";
import { CLUSTER_YML } from "../helpers/build-repo.js";

const spec = parseClusterSpec(new TextEncoder().encode(CLUSTER_YML), "clusters/prod/cluster.yml");
const instance = (id: string, pki: string | null, state = "running", launched = 0): ObservedInstance => ({
  instanceId: id,
  state,
  role: "masters",
  pki,
  launchTime: new Date(launched),
});

describe("planInstances", () => {
  it("terminates outdated instances first when shrinking, and replaces the rest one by one", () => {
    const live = [
      instance("i-new1", "g2", "running", 3),
      instance("i-old1", "g1", "running", 1),
      instance("i-old2", "g1", "running", 2),
    ];
    expect(planInstances("masters", 2, "g2", live)).toEqual([
      {
        kind: "terminate",
        role: "masters",
        instanceId: "i-old1",
        reason: "cluster.yml wants 2 masters, there are 3",
        after: [],
      },
      { kind: "replace", role: "masters", instanceId: "i-old2", from: "g1", to: "g2" },
    ]);
  });

  it("after a replacement cut short, terminates the old instance only once the new one runs", () => {
    const live = [instance("i-old", "g1", "running", 1), instance("i-new", "g2", "pending", 2)];
    expect(planInstances("masters", 1, "g2", live)).toEqual([
      {
        kind: "terminate",
        role: "masters",
        instanceId: "i-old",
        reason: "cluster.yml wants 1 masters, there are 2",
        after: ["i-new"],
      },
    ]);
  });

  it("launches what is missing without touching current instances", () => {
    expect(planInstances("masters", 3, "g2", [instance("i-1", "g2")])).toEqual([
      { kind: "launch", role: "masters", pki: "g2" },
      { kind: "launch", role: "masters", pki: "g2" },
    ]);
  });

  it("drops stopped instances before running ones of the same generation", () => {
    const live = [instance("i-run", "g", "running", 1), instance("i-stopped", "g", "stopped", 5)];
    expect(planInstances("masters", 1, "g", live).map((s) => s.kind === "terminate" && s.instanceId)).toEqual(
      ["i-stopped"],
    );
  });

  it("never replaces a bastion for PKI: it carries none", () => {
    expect(planInstances("bastion", 1, null, [{ ...instance("i-b", null), role: "bastion" }])).toEqual([]);
  });
});

describe("rules as EC2 spells them", () => {
  it("splits a permission into one rule per source, and knows protocol numbers", () => {
    const rules = splitPermission({
      IpProtocol: "6",
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: "0.0.0.0/0" }],
      UserIdGroupPairs: [{ GroupId: "sg-1" }],
    });
    expect(rules.map(ruleKey)).toEqual(["tcp/22-22<0.0.0.0/0", "tcp/22-22<sg-1"]);
    expect(ruleKey({ protocol: "-1", fromPort: -1, toPort: -1, source: { cidr: "10.0.0.0/8" } })).toBe(
      ruleKey({ protocol: "all", fromPort: null, toPort: null, source: { cidr: "10.0.0.0/8" } }),
    );
  });
});

describe("planProvision", () => {
  const generations = { bastion: null, masters: "g", nodes: "g" };
  it("leaves alone what it cannot call its own, and says so", () => {
    const plan = planProvision({
      cluster: "prod",
      spec: {
        ...spec,
        masters: { ...spec.masters, count: 0 },
        nodes: { ...spec.nodes, count: 0 },
        bastion: { ...spec.bastion, count: 0 },
      },
      generations,
      state: {
        vpcExists: true,
        groups: [
          { groupId: "sg-9", name: "kaws-prod-old", vpcId: "vpc-0ther000", role: "masters", ingress: [] },
        ],
        instances: [{ ...instance("i-x", null), role: null }],
      },
    });
    expect(plan.notes).toEqual([
      "security group sg-9 (kaws-prod-old) is in vpc-0ther000, not in vpc_id vpc-0abc1234: left alone",
      "instance i-x is tagged with the cluster but has no valid kaws:role tag: left alone",
    ]);
    expect(plan.steps.filter((s) => s.kind === "create-group")).toHaveLength(3);
  });

  it("plans nothing without PKI, and says how to get it", () => {
    const plan = planProvision({
      cluster: "prod",
      spec,
      generations: { bastion: null, masters: undefined, nodes: undefined },
      state: { vpcExists: true, groups: [], instances: [] },
    });
    expect(plan.steps).toEqual([]);
    expect(plan.problems).toEqual([
      "clusters/prod has no PKI yet (ca.pem, master.pem, node.pem): the bot generates it when cluster.yml is merged, or run `kaws cluster genpki prod`",
    ]);
  });
});

describe("explainEc2Error", () => {
  const sdkError = (name: string, message = "", attempts?: number) =>
    Object.assign(new Error(message), { name, Code: name, $metadata: { attempts, httpStatusCode: 400 } });
  it("names the action and the fix", () => {
    expect(explainEc2Error("RunInstances", sdkError("DryRunOperation")).message).toBe(
      "ec2:RunInstances was a dry run (DryRunOperation): the request would have succeeded, nothing was changed",
    );
    const unauthorized = explainEc2Error(
      "TerminateInstances",
      sdkError(
        "UnauthorizedOperation",
        "You are not authorized. Encoded authorization failure message: AbCd123",
      ),
    );
    expect(unauthorized.message).toContain("may not call ec2:TerminateInstances (UnauthorizedOperation)");
    expect(unauthorized.message).not.toContain("AbCd123");
    expect(explainEc2Error("CreateSecurityGroup", sdkError("InvalidVpcID.NotFound")).message).toContain(
      "fix vpc_id or region in cluster.yml",
    );
    expect(explainEc2Error("DescribeVpcs", sdkError("AuthFailure")).message).toContain(
      "AWS did not accept the credentials for ec2:DescribeVpcs (AuthFailure)",
    );
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    expect(explainEc2Error("DescribeVpcs", refused).message).toBe(
      "could not reach EC2 for ec2:DescribeVpcs (ECONNREFUSED): check the network, the region, and AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL if set",
    );
    expect(explainEc2Error("DescribeVpcs", sdkError("Weird.Thing", "what EC2 said")).message).toBe(
      "EC2 refused ec2:DescribeVpcs (Weird.Thing, HTTP 400): what EC2 said",
    );
  });
});
