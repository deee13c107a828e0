import { describeRule, type MachineRole } from "./ingress-rule.js";
import type { ProvisionPlan, ProvisionStep } from "./plan-provision.js";
import { securityGroupName } from "./security-group-policy.js";

/** One line per change, prefixed + (add), - (remove) or ~ (replace), as `plan` and `apply` print it. */
export function describeProvisionStep(cluster: string, step: ProvisionStep): string {
  const group = (role: MachineRole) => securityGroupName(cluster, role);
  switch (step.kind) {
    case "create-group":
      return `+ create security group ${step.name}`;
    case "revoke":
      return `- revoke ${describeRule(step.rule, group)} on ${group(step.role)} (${step.groupId}): not in the policy`;
    case "authorize":
      return `+ allow ${describeRule(step.rule, group)} on ${group(step.role)}`;
    case "terminate":
      return `- terminate ${step.role} instance ${step.instanceId}: ${step.reason}${step.after.length > 0 ? ` (once ${step.after.join(", ")} runs)` : ""}`;
    case "launch":
      return `+ launch a ${step.role} instance${step.pki === null ? "" : ` with PKI ${step.pki}`}`;
    case "replace":
      return `~ replace ${step.role} instance ${step.instanceId}: PKI ${step.from ?? "none"} -> ${step.to} (one at a time)`;
  }
}

/** The plan as a person reads it. */
export function describeProvisionPlan(plan: ProvisionPlan): string[] {
  const lines = [
    ...plan.problems.map((problem) => `error: ${problem}`),
    ...plan.notes.map((note) => `note: ${note}`),
    ...plan.steps.map((step) => describeProvisionStep(plan.cluster, step)),
  ];
  if (plan.problems.length > 0) return lines;
  lines.push(
    plan.steps.length === 0
      ? `no changes: cluster ${plan.cluster} on EC2 matches cluster.yml, its PKI and the security group policy`
      : `${plan.steps.length} change${plan.steps.length === 1 ? "" : "s"}: \`kaws provision apply ${plan.cluster}\` makes them`,
  );
  return lines;
}
