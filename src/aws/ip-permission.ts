import type { IpPermission } from "@aws-sdk/client-ec2";
import type { IngressRule, MachineRole } from "../core/provision/ingress-rule.js";

/** EC2 groups sources under one permission; kaws compares one source at a time. */
export function splitPermission(permission: IpPermission): IngressRule[] {
  const base = {
    protocol: permission.IpProtocol ?? "-1",
    fromPort: permission.FromPort ?? null,
    toPort: permission.ToPort ?? null,
  };
  if (base.protocol === "-1") Object.assign(base, { fromPort: null, toPort: null });
  return [
    ...(permission.IpRanges ?? []).map((r) => ({ ...base, source: { cidr: r.CidrIp ?? "" } })),
    ...(permission.Ipv6Ranges ?? []).map((r) => ({ ...base, source: { ipv6Cidr: r.CidrIpv6 ?? "" } })),
    ...(permission.PrefixListIds ?? []).map((p) => ({
      ...base,
      source: { prefixListId: p.PrefixListId ?? "" },
    })),
    ...(permission.UserIdGroupPairs ?? []).map((g) => ({ ...base, source: { groupId: g.GroupId ?? "" } })),
  ];
}

/** The EC2 form of one rule, with the cluster's own groups resolved to their ids. */
export function toPermission(rule: IngressRule, groupIdOf: (role: MachineRole) => string): IpPermission {
  const permission: IpPermission = { IpProtocol: rule.protocol };
  if (rule.protocol !== "-1") {
    permission.FromPort = rule.fromPort ?? undefined;
    permission.ToPort = rule.toPort ?? undefined;
  }
  const source = rule.source;
  if ("cidr" in source) permission.IpRanges = [{ CidrIp: source.cidr }];
  else if ("ipv6Cidr" in source) permission.Ipv6Ranges = [{ CidrIpv6: source.ipv6Cidr }];
  else if ("prefixListId" in source) permission.PrefixListIds = [{ PrefixListId: source.prefixListId }];
  else if ("groupId" in source) permission.UserIdGroupPairs = [{ GroupId: source.groupId }];
  else permission.UserIdGroupPairs = [{ GroupId: groupIdOf(source.role) }];
  return permission;
}
