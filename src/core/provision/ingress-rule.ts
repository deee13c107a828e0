/** The machine roles of a cluster on EC2: each has its own security group and instances. */
export const MACHINE_ROLES = ["bastion", "masters", "nodes"] as const;
export type MachineRole = (typeof MACHINE_ROLES)[number];

export function isMachineRole(value: string | undefined): value is MachineRole {
  return (MACHINE_ROLES as readonly string[]).includes(value ?? "");
}

/** Where an ingress rule lets traffic come from. */
export type RuleSource =
  | { readonly cidr: string }
  | { readonly ipv6Cidr: string }
  | { readonly prefixListId: string }
  /** Another security group by id: one outside the cluster, as found on AWS. */
  | { readonly groupId: string }
  /** One of the cluster's own groups, by role: its id is known only once it exists. */
  | { readonly role: MachineRole };

/**
 * One ingress rule as EC2 stores it, one source per rule: `protocol` is "tcp", "udp", "icmp",
 * "-1" (all traffic) or a protocol number; ports are null when the protocol has none.
 */
export interface IngressRule {
  readonly protocol: string;
  readonly fromPort: number | null;
  readonly toPort: number | null;
  readonly source: RuleSource;
}

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", all: "-1" };

/** "tcp" for "6" or "TCP", "-1" for "all": one spelling per protocol. */
function protocolName(protocol: string): string {
  return PROTOCOL_NAMES[protocol.toLowerCase()] ?? protocol.toLowerCase();
}

/** The same rule always gets the same key, however EC2 spelled its protocol. */
export function ruleKey(rule: IngressRule): string {
  const protocol = protocolName(rule.protocol);
  const ports = protocol === "-1" ? "" : `${rule.fromPort ?? ""}-${rule.toPort ?? ""}`;
  return `${protocol}/${ports}<${sourceText(rule.source)}`;
}

/** "tcp/22 from 203.0.113.0/24", "all traffic from kaws-prod-nodes". */
export function describeRule(rule: IngressRule, groupName: (role: MachineRole) => string): string {
  const protocol = protocolName(rule.protocol);
  const what =
    protocol === "-1"
      ? "all traffic"
      : rule.fromPort === rule.toPort || rule.toPort === null
        ? `${protocol}/${rule.fromPort ?? "any"}`
        : `${protocol}/${rule.fromPort}-${rule.toPort}`;
  const from = "role" in rule.source ? groupName(rule.source.role) : sourceText(rule.source);
  return `${what} from ${from}`;
}

function sourceText(source: RuleSource): string {
  if ("cidr" in source) return source.cidr;
  if ("ipv6Cidr" in source) return source.ipv6Cidr;
  if ("prefixListId" in source) return source.prefixListId;
  if ("groupId" in source) return source.groupId;
  return `role:${source.role}`;
}
