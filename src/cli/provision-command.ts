import { EC2Client } from "@aws-sdk/client-ec2";
import { applyProvisionPlan } from "../aws/apply-provision-plan.js";
import { Ec2Error } from "../aws/ec2-error.js";
import { findMissingPermissions } from "../aws/find-missing-permissions.js";
import { readEc2State } from "../aws/read-ec2-state.js";
import type { WaitOptions } from "../aws/wait-for-instance.js";
import { parseClusterSpec, type ClusterSpec } from "../core/config/cluster-spec.js";
import { KawsInputError } from "../core/findings.js";
import { describeProvisionPlan } from "../core/provision/describe-provision-plan.js";
import { MACHINE_ROLES, type MachineRole } from "../core/provision/ingress-rule.js";
import { pkiGeneration } from "../core/provision/pki-generation.js";
import { planProvision, type ProvisionPlan } from "../core/provision/plan-provision.js";
import { verifyTree } from "../core/policy/verify-tree.js";
import { clusterFile } from "../core/tree/classify-path.js";
import type { RepoTree } from "../core/tree/repo-tree.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { readWorkingTree } from "./read-working-tree.js";
import { roleUserDataFromTree } from "./role-user-data-from-tree.js";

export interface ProvisionOptions {
  readonly repo: string;
  readonly cluster: string;
  readonly json: boolean;
  readonly now: Date;
  /** The bot's armored secret key and passphrase (KAWS_BOT_KEY), needed to launch masters and nodes. */
  readonly botKey?: string;
  readonly botKeyPassphrase?: string;
  /** Tests pass a client; otherwise one for the cluster's region, configured the AWS SDK's standard way. */
  readonly ec2?: EC2Client;
  readonly wait?: WaitOptions;
}

/** Exit codes: plan 0 = no changes, 2 = changes; 1 = a problem (repository, AWS) that stops it. */
export async function provisionCommand(
  action: "plan" | "apply",
  options: ProvisionOptions,
  out: Output,
): Promise<number> {
  const tree = await readWorkingTree(options.repo);
  const { cluster } = options;
  const spec = await readVerifiedSpec(tree, cluster, options.now);
  const generations = Object.fromEntries(
    MACHINE_ROLES.map((role) => [role, pkiGeneration(tree, cluster, role)]),
  ) as Record<MachineRole, string | null | undefined>;
  const ec2 = options.ec2 ?? new EC2Client({ region: spec.region });
  let made = 0;
  const print = (plan: ProvisionPlan) => out.write(`${describeProvisionPlan(plan).join("\n")}\n`);
  try {
    const plan = await planFromEc2(ec2, cluster, spec, generations);
    const missing = plan.steps.length > 0 ? await findMissingPermissions(ec2, plan, spec) : [];
    const problems = [...plan.problems];
    if (missing.length > 0)
      problems.push(
        `the AWS credentials lack ${missing.join(", ")} (a dry run said so): apply would stop half-way, so grant them first (docs/aws.md lists every permission kaws needs)`,
      );
    const checked: ProvisionPlan = { ...plan, problems };
    if (action === "plan" || problems.length > 0) {
      if (options.json) out.write(`${JSON.stringify(checked, null, 2)}\n`);
      else print(checked);
      return problems.length > 0 ? 1 : plan.steps.length > 0 ? 2 : 0;
    }
    if (plan.steps.length === 0) {
      print(plan);
      return 0;
    }
    // every key is opened before the first change, so a key problem changes nothing
    const launching = new Set(
      plan.steps.flatMap((s) => (s.kind === "launch" || s.kind === "replace" ? [s.role] : [])),
    );
    const userData = new Map<MachineRole, string>();
    for (const role of launching)
      userData.set(role, await roleUserDataFromTree(tree, cluster, role, options));
    out.write(
      `applying ${plan.steps.length} change${plan.steps.length === 1 ? "" : "s"} to cluster ${cluster}:\n`,
    );
    await applyProvisionPlan(plan, {
      ec2,
      spec,
      userData,
      wait: options.wait ?? { pollMs: 5_000, timeoutMs: 10 * 60_000 },
      progress: (line) => {
        made += 1;
        out.write(`${line}\n`);
      },
    });
    const after = await planFromEc2(ec2, cluster, spec, generations);
    if (after.steps.length > 0) {
      print(after);
      throw new CliError(
        `EC2 does not match yet after apply: run \`kaws provision apply ${cluster}\` again`,
        1,
      );
    }
    out.write(`done: cluster ${cluster} on EC2 matches cluster.yml, its PKI and the security group policy\n`);
    return 0;
  } catch (cause) {
    if (cause instanceof Ec2Error)
      throw new CliError(
        `${cause.message}${made > 0 ? `\nthe ${made} change${made === 1 ? "" : "s"} listed above ${made === 1 ? "was" : "were"} made; run \`kaws provision apply ${cluster}\` again to continue from what EC2 has` : action === "apply" ? "\nno change was made" : ""}`,
        1,
      );
    throw cause;
  } finally {
    if (options.ec2 === undefined) ec2.destroy();
  }
}

async function planFromEc2(
  ec2: EC2Client,
  cluster: string,
  spec: ClusterSpec,
  generations: Record<MachineRole, string | null | undefined>,
): Promise<ProvisionPlan> {
  const state = await readEc2State(ec2, cluster, spec.vpc_id);
  return planProvision({ cluster, spec, generations, state });
}

/** cluster.yml, once the cluster's own files pass `kaws verify`: only a sound PKI goes to machines. */
async function readVerifiedSpec(tree: RepoTree, cluster: string, now: Date): Promise<ClusterSpec> {
  const path = clusterFile.spec(cluster);
  const entry = tree.get(path);
  if (entry?.bytes === undefined) throw new CliError(`there is no cluster "${cluster}" (${path} is missing)`);
  let spec: ClusterSpec;
  try {
    spec = parseClusterSpec(entry.bytes, path);
  } catch (cause) {
    if (cause instanceof KawsInputError) throw new CliError(cause.message, 1);
    throw cause;
  }
  const folder = `clusters/${cluster}/`;
  const { findings } = await verifyTree(tree, { now });
  const blocking = findings.filter(
    (f) =>
      f.severity === "error" &&
      f.path.startsWith(folder) &&
      !f.path.startsWith(`${folder}admins/`) &&
      f.rule !== "key-file.recipients",
  );
  if (blocking.length > 0)
    throw new CliError(
      `cluster ${cluster} fails \`kaws verify\`, so nothing is provisioned:\n${blocking.map((f) => `  ${f.path}: ${f.message}`).join("\n")}`,
      1,
    );
  return spec;
}
