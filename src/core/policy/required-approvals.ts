import type { KawsConfig } from "../config/kaws-config.js";

/** Distinct maintainer approvals a change needs: `approvals`, or the strictest `group_approvals` over the groups it requests. */
export function requiredApprovals(config: KawsConfig, requestedGroups: Iterable<string>): number {
  let required = config.approvals;
  for (const group of requestedGroups) required = Math.max(required, config.group_approvals[group] ?? 0);
  return required;
}
