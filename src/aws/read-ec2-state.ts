import {
  DescribeVpcsCommand,
  paginateDescribeInstances,
  paginateDescribeSecurityGroups,
  type EC2Client,
  type Tag,
} from "@aws-sdk/client-ec2";
import type { Ec2State, ObservedGroup, ObservedInstance } from "../core/provision/ec2-state.js";
import { TAG } from "../core/provision/ec2-state.js";
import { isMachineRole } from "../core/provision/ingress-rule.js";
import { callEc2 } from "./ec2-error.js";
import { splitPermission } from "./ip-permission.js";

/** Read what kaws manages for a cluster: its VPC, and the groups and live instances tagged with it. */
export async function readEc2State(ec2: EC2Client, cluster: string, vpcId: string): Promise<Ec2State> {
  const clusterTag = { Name: `tag:${TAG.cluster}`, Values: [cluster] };
  const vpcExists = await callEc2("DescribeVpcs", async () => {
    try {
      const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
      return (Vpcs ?? []).length > 0;
    } catch (cause) {
      if ((cause as { name?: string }).name === "InvalidVpcID.NotFound") return false;
      throw cause;
    }
  });
  const groups: ObservedGroup[] = [];
  await callEc2("DescribeSecurityGroups", async () => {
    for await (const page of paginateDescribeSecurityGroups({ client: ec2 }, { Filters: [clusterTag] })) {
      for (const group of page.SecurityGroups ?? []) {
        const role = tagValue(group.Tags, TAG.role);
        groups.push({
          groupId: group.GroupId ?? "",
          name: group.GroupName ?? "",
          vpcId: group.VpcId ?? "",
          role: isMachineRole(role) ? role : null,
          ingress: (group.IpPermissions ?? []).flatMap(splitPermission),
        });
      }
    }
  });
  const instances: ObservedInstance[] = [];
  await callEc2("DescribeInstances", async () => {
    const filters = [
      clusterTag,
      { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
    ];
    for await (const page of paginateDescribeInstances({ client: ec2 }, { Filters: filters })) {
      for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        const role = tagValue(instance.Tags, TAG.role);
        instances.push({
          instanceId: instance.InstanceId ?? "",
          state: instance.State?.Name ?? "unknown",
          role: isMachineRole(role) ? role : null,
          pki: tagValue(instance.Tags, TAG.pki) ?? null,
          launchTime: instance.LaunchTime ?? null,
        });
      }
    }
  });
  return { vpcExists, groups, instances };
}

function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value;
}
