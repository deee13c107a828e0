import type { IngressRule, MachineRole } from "./ingress-rule.js";

/** A security group tagged `kaws:cluster=<cluster>`, as EC2 describes it. */
export interface ObservedGroup {
  readonly groupId: string;
  readonly name: string;
  readonly vpcId: string;
  /** From the `kaws:role` tag; null when the tag is missing or unknown. */
  readonly role: MachineRole | null;
  readonly ingress: readonly IngressRule[];
}

/** An instance tagged `kaws:cluster=<cluster>` that is not terminated. */
export interface ObservedInstance {
  readonly instanceId: string;
  /** pending, running, stopping, stopped or shutting-down. */
  readonly state: string;
  readonly role: MachineRole | null;
  /** The `kaws:pki` tag: the PKI generation it was launched with. */
  readonly pki: string | null;
  readonly launchTime: Date | null;
}

/** What `kaws provision` reads from EC2 before it decides anything. */
export interface Ec2State {
  readonly vpcExists: boolean;
  readonly groups: readonly ObservedGroup[];
  readonly instances: readonly ObservedInstance[];
}

/** Tags kaws sets and reads. */
export const TAG = { cluster: "kaws:cluster", role: "kaws:role", pki: "kaws:pki" } as const;
