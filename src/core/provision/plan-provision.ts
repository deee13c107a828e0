import type { ClusterSpec } from "../config/cluster-spec.js";
import type { Ec2State, ObservedGroup, ObservedInstance } from "./ec2-state.js";
import { MACHINE_ROLES, ruleKey, type IngressRule, type MachineRole } from "./ingress-rule.js";
import { planInstances, type InstanceStep } from "./plan-instances.js";
import { securityGroupPolicy } from "./security-group-policy.js";

export type GroupStep =
  | {
      readonly kind: "create-group";
      readonly role: MachineRole;
      readonly name: string;
      readonly description: string;
    }
  /** A rule the policy does not have: drift, revoked before anything is opened. */
  | {
      readonly kind: "revoke";
      readonly role: MachineRole;
      readonly groupId: string;
      readonly rule: IngressRule;
    }
  | { readonly kind: "authorize"; readonly role: MachineRole; readonly rule: IngressRule };

export type ProvisionStep = GroupStep | InstanceStep;

export interface ProvisionPlan {
  readonly cluster: string;
  /** The cluster's existing security group of each role. */
  readonly groupIds: Partial<Record<MachineRole, string>>;
  /** In the order apply makes them: groups, drift revoked, rules added, then instances. */
  readonly steps: readonly ProvisionStep[];
  /** Things kaws saw and leaves alone, said so a person can decide. */
  readonly notes: readonly string[];
  /** Why nothing can be planned (a missing VPC, no PKI yet): each says what to fix. */
  readonly problems: readonly string[];
}

export interface PlanInput {
  readonly cluster: string;
  readonly spec: ClusterSpec;
  /** The PKI generation of each role in the repository (null for the bastion); undefined: no PKI. */
  readonly generations: Readonly<Record<MachineRole, string | null | undefined>>;
  readonly state: Ec2State;
}

/** Desired state (cluster.yml and the policy) against what EC2 has: the changes, planned first. */
export function planProvision(input: PlanInput): ProvisionPlan {
  const { cluster, spec, state } = input;
  const problems: string[] = [];
  if (!state.vpcExists)
    problems.push(
      `VPC ${spec.vpc_id} (vpc_id in clusters/${cluster}/cluster.yml) does not exist in ${spec.region}, or these credentials cannot see it: fix vpc_id or region`,
    );
  if (MACHINE_ROLES.some((role) => input.generations[role] === undefined))
    problems.push(
      `clusters/${cluster} has no PKI yet (ca.pem, master.pem, node.pem): the bot generates it when cluster.yml is merged, or run \`kaws cluster genpki ${cluster}\``,
    );
  if (problems.length > 0) return { cluster, groupIds: {}, steps: [], notes: [], problems };

  const notes: string[] = [];
  const groups = groupsByRole(state.groups, spec.vpc_id, notes);
  const steps: ProvisionStep[] = [];
  const policy = securityGroupPolicy(cluster, spec);
  for (const wanted of policy) {
    if (!groups.has(wanted.role))
      steps.push({
        kind: "create-group",
        role: wanted.role,
        name: wanted.name,
        description: wanted.description,
      });
  }
  for (const wanted of policy) {
    const group = groups.get(wanted.role);
    const wantedKeys = new Set(wanted.ingress.map(ruleKey));
    for (const rule of group?.ingress ?? []) {
      if (!wantedKeys.has(ruleKey(asRoleRule(rule, groups))))
        steps.push({ kind: "revoke", role: wanted.role, groupId: group!.groupId, rule });
    }
  }
  for (const wanted of policy) {
    const group = groups.get(wanted.role);
    const present = new Set((group?.ingress ?? []).map((rule) => ruleKey(asRoleRule(rule, groups))));
    for (const rule of wanted.ingress) {
      if (!present.has(ruleKey(rule))) steps.push({ kind: "authorize", role: wanted.role, rule });
    }
  }
  const instances = instancesByRole(state.instances, notes);
  for (const role of MACHINE_ROLES) {
    steps.push(
      ...planInstances(role, spec[role].count, input.generations[role] ?? null, instances.get(role) ?? []),
    );
  }
  // terminations first, so that a shrinking cluster never grows before it shrinks
  const order = ["create-group", "revoke", "authorize", "terminate", "launch", "replace"];
  steps.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const groupIds = Object.fromEntries([...groups].map(([role, group]) => [role, group.groupId]));
  return { cluster, groupIds, steps, notes, problems };
}

/** A rule whose source is one of the cluster's own groups, named by role (as the policy names it). */
function asRoleRule(rule: IngressRule, groups: ReadonlyMap<MachineRole, ObservedGroup>): IngressRule {
  if (!("groupId" in rule.source)) return rule;
  const { groupId } = rule.source;
  const role = MACHINE_ROLES.find((r) => groups.get(r)?.groupId === groupId);
  return role === undefined ? rule : { ...rule, source: { role } };
}

function groupsByRole(observed: readonly ObservedGroup[], vpcId: string, notes: string[]) {
  const groups = new Map<MachineRole, ObservedGroup>();
  for (const group of [...observed].sort((a, b) => a.groupId.localeCompare(b.groupId))) {
    const label = `security group ${group.groupId} (${group.name})`;
    if (group.role === null)
      notes.push(`${label} is tagged with the cluster but has no valid kaws:role tag: left alone`);
    else if (group.vpcId !== vpcId)
      notes.push(`${label} is in ${group.vpcId}, not in vpc_id ${vpcId}: left alone`);
    else if (groups.has(group.role))
      notes.push(
        `${label} is a second ${group.role} group: left alone, ${groups.get(group.role)!.groupId} is used`,
      );
    else groups.set(group.role, group);
  }
  return groups;
}

function instancesByRole(observed: readonly ObservedInstance[], notes: string[]) {
  const instances = new Map<MachineRole, ObservedInstance[]>();
  for (const instance of observed) {
    if (instance.state === "shutting-down" || instance.state === "terminated") continue;
    if (instance.role === null) {
      notes.push(
        `instance ${instance.instanceId} is tagged with the cluster but has no valid kaws:role tag: left alone`,
      );
      continue;
    }
    if (instance.state === "stopped" || instance.state === "stopping")
      notes.push(
        `instance ${instance.instanceId} (${instance.role}) is ${instance.state}: counted, not started`,
      );
    instances.set(instance.role, [...(instances.get(instance.role) ?? []), instance]);
  }
  return instances;
}
