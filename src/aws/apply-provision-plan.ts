import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import type { ClusterSpec } from "../core/config/cluster-spec.js";
import { describeProvisionStep } from "../core/provision/describe-provision-plan.js";
import { TAG } from "../core/provision/ec2-state.js";
import type { MachineRole } from "../core/provision/ingress-rule.js";
import type { ProvisionPlan, ProvisionStep } from "../core/provision/plan-provision.js";
import { callEc2, Ec2Error } from "./ec2-error.js";
import { toPermission } from "./ip-permission.js";
import { waitForInstanceRunning, type WaitOptions } from "./wait-for-instance.js";

export interface ApplyDeps {
  readonly ec2: EC2Client;
  readonly spec: ClusterSpec;
  /** The base64 user-data of each role the plan launches, prepared before the first change. */
  readonly userData: ReadonlyMap<MachineRole, string>;
  readonly wait: WaitOptions;
  /** Told each change once it is made. */
  readonly progress: (line: string) => void;
}

/**
 * Make a plan's changes in order. A failure stops at once with what was done already reported:
 * the next apply starts again from what EC2 then has, so nothing is made twice.
 */
export async function applyProvisionPlan(plan: ProvisionPlan, deps: ApplyDeps): Promise<void> {
  if (plan.problems.length > 0) throw new Error("a plan with problems cannot be applied");
  const groupIds = { ...plan.groupIds };
  const groupIdOf = (role: MachineRole) => {
    const id = groupIds[role];
    if (id === undefined) throw new Error(`the ${role} security group was not created`);
    return id;
  };
  const launched = new Map<MachineRole, number>();
  const launch = async (role: MachineRole, pki: string | null): Promise<string> => {
    const userData = deps.userData.get(role);
    if (userData === undefined) throw new Error(`no user-data was prepared for ${role}`);
    const n = launched.get(role) ?? 0;
    launched.set(role, n + 1);
    const tags = [
      { Key: "Name", Value: `kaws-${plan.cluster}-${role}` },
      { Key: TAG.cluster, Value: plan.cluster },
      { Key: TAG.role, Value: role },
      ...(pki === null ? [] : [{ Key: TAG.pki, Value: pki }]),
    ];
    const result = await callEc2("RunInstances", () =>
      deps.ec2.send(
        new RunInstancesCommand({
          ImageId: deps.spec.ami,
          InstanceType: deps.spec[role].instance_type as never,
          MinCount: 1,
          MaxCount: 1,
          SubnetId: deps.spec.subnet_ids[n % deps.spec.subnet_ids.length],
          SecurityGroupIds: [groupIdOf(role)],
          KeyName: role === "bastion" ? deps.spec.key_name : undefined,
          UserData: userData,
          MetadataOptions: { HttpTokens: "required", HttpEndpoint: "enabled" },
          TagSpecifications: [
            { ResourceType: "instance", Tags: tags },
            { ResourceType: "volume", Tags: tags.filter((tag) => tag.Key !== TAG.pki) },
          ],
        }),
      ),
    );
    const id = result.Instances?.[0]?.InstanceId;
    if (id === undefined)
      throw new Ec2Error("RunInstances returned no instance", "RunInstances", "NoInstance");
    return id;
  };
  const terminate = (instanceId: string) =>
    callEc2("TerminateInstances", () =>
      deps.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })),
    );

  for (const step of plan.steps) {
    const done = await applyStep(step);
    deps.progress(`${describeProvisionStep(plan.cluster, step)}${done ? ` (${done})` : ""}`);
  }

  async function applyStep(step: ProvisionStep): Promise<string | undefined> {
    switch (step.kind) {
      case "create-group": {
        const tags = [
          { Key: "Name", Value: step.name },
          { Key: TAG.cluster, Value: plan.cluster },
          { Key: TAG.role, Value: step.role },
        ];
        const { GroupId } = await callEc2("CreateSecurityGroup", () =>
          deps.ec2.send(
            new CreateSecurityGroupCommand({
              GroupName: step.name,
              Description: step.description,
              VpcId: deps.spec.vpc_id,
              TagSpecifications: [{ ResourceType: "security-group", Tags: tags }],
            }),
          ),
        );
        if (GroupId === undefined)
          throw new Ec2Error("CreateSecurityGroup returned no group id", "CreateSecurityGroup", "NoGroup");
        groupIds[step.role] = GroupId;
        return GroupId;
      }
      case "revoke":
        await callEc2("RevokeSecurityGroupIngress", () =>
          deps.ec2.send(
            new RevokeSecurityGroupIngressCommand({
              GroupId: step.groupId,
              IpPermissions: [toPermission(step.rule, groupIdOf)],
            }),
          ),
        );
        return undefined;
      case "authorize":
        await callEc2("AuthorizeSecurityGroupIngress", async () => {
          try {
            await deps.ec2.send(
              new AuthorizeSecurityGroupIngressCommand({
                GroupId: groupIdOf(step.role),
                IpPermissions: [toPermission(step.rule, groupIdOf)],
              }),
            );
          } catch (cause) {
            // added meanwhile (a run before this one, or a person): the rule is there, as wanted
            if ((cause as { name?: string }).name !== "InvalidPermission.Duplicate") throw cause;
          }
        });
        return undefined;
      case "terminate":
        // a terminated instance is replaced by nothing: the role never runs fewer than it has ready
        for (const id of step.after) await waitForInstanceRunning(deps.ec2, id, deps.wait);
        await terminate(step.instanceId);
        return undefined;
      case "launch":
        return launch(step.role, step.pki);
      case "replace": {
        const id = await launch(step.role, step.to);
        await waitForInstanceRunning(deps.ec2, id, deps.wait);
        await terminate(step.instanceId);
        return `${id} runs, ${step.instanceId} terminated`;
      }
    }
  }
}
