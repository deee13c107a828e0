import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import type { ClusterSpec } from "../core/config/cluster-spec.js";
import { TAG } from "../core/provision/ec2-state.js";
import type { MachineRole } from "../core/provision/ingress-rule.js";
import type { ProvisionPlan, ProvisionStep } from "../core/provision/plan-provision.js";
import { toPermission } from "./ip-permission.js";

/** Stands in for a group apply has yet to create: EC2 checks permissions before it looks for it. */
const NOT_YET_CREATED = "sg-00000000000000000";

/**
 * Ask EC2, with DryRun, whether the credentials may make each kind of change the plan holds, so
 * that apply stops before its first change rather than half-way. DryRunOperation means allowed,
 * UnauthorizedOperation means not; any other answer cannot tell and is left to apply.
 * Returns the missing permissions, as `ec2:Action`.
 */
export async function findMissingPermissions(
  ec2: EC2Client,
  plan: ProvisionPlan,
  spec: ClusterSpec,
): Promise<string[]> {
  const groupIdOf = (role: MachineRole) => plan.groupIds[role] ?? NOT_YET_CREATED;
  const firstOfEach = new Map<string, ProvisionStep>();
  for (const step of plan.steps) if (!firstOfEach.has(actionOf(step))) firstOfEach.set(actionOf(step), step);
  const missing: string[] = [];
  for (const [action, step] of firstOfEach) {
    try {
      await ec2.send(dryRun(step, spec, groupIdOf) as never);
    } catch (cause) {
      const code = (cause as { name?: string }).name;
      if (code === "UnauthorizedOperation" || code === "AccessDenied") missing.push(`ec2:${action}`);
    }
  }
  return missing;
}

function actionOf(step: ProvisionStep): string {
  switch (step.kind) {
    case "create-group":
      return "CreateSecurityGroup";
    case "revoke":
      return "RevokeSecurityGroupIngress";
    case "authorize":
      return "AuthorizeSecurityGroupIngress";
    case "terminate":
      return "TerminateInstances";
    case "launch":
    case "replace":
      return "RunInstances";
  }
}

function dryRun(step: ProvisionStep, spec: ClusterSpec, groupIdOf: (role: MachineRole) => string) {
  switch (step.kind) {
    case "create-group":
      return new CreateSecurityGroupCommand({
        DryRun: true,
        GroupName: step.name,
        Description: step.description,
        VpcId: spec.vpc_id,
      });
    case "revoke":
      return new RevokeSecurityGroupIngressCommand({
        DryRun: true,
        GroupId: step.groupId,
        IpPermissions: [toPermission(step.rule, groupIdOf)],
      });
    case "authorize":
      return new AuthorizeSecurityGroupIngressCommand({
        DryRun: true,
        GroupId: groupIdOf(step.role),
        IpPermissions: [toPermission(step.rule, groupIdOf)],
      });
    case "terminate":
      return new TerminateInstancesCommand({ DryRun: true, InstanceIds: [step.instanceId] });
    case "launch":
    case "replace":
      return new RunInstancesCommand({
        DryRun: true,
        ImageId: spec.ami,
        InstanceType: spec[step.role].instance_type as never,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: spec.subnet_ids[0],
        // tagging on launch needs ec2:CreateTags too: the dry run checks both
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: TAG.role, Value: step.role }] }],
      });
  }
}
