import type { ObservedInstance } from "./ec2-state.js";
import type { MachineRole } from "./ingress-rule.js";

export type InstanceStep =
  | {
      readonly kind: "terminate";
      readonly role: MachineRole;
      readonly instanceId: string;
      readonly reason: string;
      /** Pending instances of the role (a launch cut short, say) that must run before this goes. */
      readonly after: readonly string[];
    }
  | { readonly kind: "launch"; readonly role: MachineRole; readonly pki: string | null }
  /** Launch one with the current PKI, wait until it runs, then terminate the old one: one at a time. */
  | {
      readonly kind: "replace";
      readonly role: MachineRole;
      readonly instanceId: string;
      readonly from: string | null;
      readonly to: string;
    };

/**
 * The instance changes for one role: surplus instances go (outdated ones first, then stopped, then
 * the oldest), missing ones are launched, and outdated ones left are replaced one at a time.
 */
export function planInstances(
  role: MachineRole,
  count: number,
  generation: string | null,
  live: readonly ObservedInstance[],
): InstanceStep[] {
  const outdated = (instance: ObservedInstance) => generation !== null && instance.pki !== generation;
  const byRemovalOrder = [...live].sort(
    (a, b) =>
      Number(outdated(b)) - Number(outdated(a)) ||
      Number(b.state !== "running" && b.state !== "pending") -
        Number(a.state !== "running" && a.state !== "pending") ||
      (a.launchTime?.getTime() ?? 0) - (b.launchTime?.getTime() ?? 0) ||
      a.instanceId.localeCompare(b.instanceId),
  );
  const surplus = Math.max(0, live.length - count);
  const terminated = byRemovalOrder.slice(0, surplus);
  const pending = live
    .filter((i) => i.state === "pending" && !terminated.includes(i))
    .map((i) => i.instanceId)
    .sort();
  const steps: InstanceStep[] = terminated.map((instance) => ({
    kind: "terminate",
    role,
    instanceId: instance.instanceId,
    reason: `cluster.yml wants ${count} ${role}, there are ${live.length}`,
    after: pending,
  }));
  for (let i = live.length; i < count; i += 1) steps.push({ kind: "launch", role, pki: generation });
  for (const instance of byRemovalOrder.slice(surplus).filter(outdated)) {
    steps.push({
      kind: "replace",
      role,
      instanceId: instance.instanceId,
      from: instance.pki,
      to: generation!,
    });
  }
  return steps;
}
