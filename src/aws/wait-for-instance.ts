import { DescribeInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { callEc2, Ec2Error } from "./ec2-error.js";

export interface WaitOptions {
  /** Between two looks at the instance. */
  readonly pollMs: number;
  /** How long a new instance may take to run before apply stops and says so. */
  readonly timeoutMs: number;
}

/** Wait until a new instance runs; it stopping or terminating on the way is an error with EC2's reason. */
export async function waitForInstanceRunning(
  ec2: EC2Client,
  instanceId: string,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const { Reservations } = await callEc2("DescribeInstances", () =>
      ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
    );
    const instance = Reservations?.[0]?.Instances?.[0];
    const state = instance?.State?.Name ?? "unknown";
    if (state === "running") return;
    if (state !== "pending" && state !== "unknown") {
      const reason = instance?.StateReason?.Message ?? "no reason given";
      throw new Ec2Error(
        `new instance ${instanceId} is ${state} instead of running (${reason}): nothing older was terminated; look at it in the EC2 console, then run apply again`,
        "RunInstances",
        "InstanceNotRunning",
      );
    }
    if (Date.now() >= deadline)
      throw new Ec2Error(
        `new instance ${instanceId} is still ${state} after ${Math.ceil(options.timeoutMs / 1000)} s: nothing older was terminated; run apply again once it runs`,
        "RunInstances",
        "InstanceNotRunning",
      );
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}
