import { isIP } from "node:net";
import type { ClusterSpec } from "../config/cluster-spec.js";
import { MACHINE_ROLES, type IngressRule, type MachineRole } from "./ingress-rule.js";

/** The security group kaws keeps for one role of a cluster. */
export interface PolicyGroup {
  readonly role: MachineRole;
  readonly name: string;
  readonly description: string;
  readonly ingress: readonly IngressRule[];
}

export function securityGroupName(cluster: string, role: MachineRole): string {
  return `kaws-${cluster}-${role}`;
}

const ANYWHERE = "0.0.0.0/0";
const tcp = (port: number, cidr: string): IngressRule => ({
  protocol: "tcp",
  fromPort: port,
  toPort: port,
  source: cidrSource(cidr),
});

/**
 * An IPv4 block goes to EC2 as `IpRanges`, an IPv6 block as `Ipv6Ranges`, in the form EC2 keeps
 * and lists it (lower case, zeros compressed), so the drift check compares like with like.
 */
function cidrSource(cidr: string): IngressRule["source"] {
  const [address = "", bits] = cidr.split("/");
  if (isIP(address) !== 6) return { cidr };
  return { ipv6Cidr: `${new URL(`http://[${address}]`).hostname.slice(1, -1)}/${bits}` };
}

/**
 * The documented policy (DESIGN section 7): the bastion accepts tcp/22 from `admin_cidrs` only,
 * masters tcp/443, nodes tcp/80 and tcp/443 (from anywhere: the API server and the workloads
 * authenticate their clients), and every group accepts all traffic from the cluster's own groups.
 */
export function securityGroupPolicy(cluster: string, spec: ClusterSpec): PolicyGroup[] {
  const fromCluster: IngressRule[] = MACHINE_ROLES.map((role) => ({
    protocol: "-1",
    fromPort: null,
    toPort: null,
    source: { role },
  }));
  const open: Record<MachineRole, IngressRule[]> = {
    bastion: spec.admin_cidrs.map((cidr) => tcp(22, cidr)),
    masters: [tcp(443, ANYWHERE)],
    nodes: [tcp(80, ANYWHERE), tcp(443, ANYWHERE)],
  };
  const purpose: Record<MachineRole, string> = {
    bastion: "ssh from admin_cidrs",
    masters: "Kubernetes API on tcp/443",
    nodes: "tcp/80 and tcp/443",
  };
  return MACHINE_ROLES.map((role) => ({
    role,
    name: securityGroupName(cluster, role),
    description: `kaws cluster ${cluster} ${role}: ${purpose[role]}, and traffic within the cluster`,
    ingress: [...open[role], ...fromCluster],
  }));
}
