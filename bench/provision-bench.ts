import { EC2Client } from "@aws-sdk/client-ec2";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { provisionCommand } from "../src/cli/provision-command.js";
import { decryptMessage, readDecryptionKey } from "../src/core/openpgp/decrypt-message.js";
import { FakeEc2 } from "../test/helpers/fake-ec2.js";
import { gpgIn } from "./build-synthetic-repo.js";

export interface ProvisionBenchResult {
  readonly planEmptyMs: number;
  readonly applyMs: number;
  readonly planSteadyMs: number;
  /** EC2 requests of each run, dry runs included. */
  readonly calls: { readonly planEmpty: number; readonly apply: number; readonly planSteady: number };
  /** Opening the master and node keys (201 recipients) with the bot key in process, and with gpg. */
  readonly inProcessDecryptMs: number;
  readonly gpgDecryptMs: number;
}

/**
 * `kaws provision` for one cluster of the 200-admin repository against the fake EC2 on 127.0.0.1
 * (answering at once, so AWS's own latency is excluded): plan on an empty account, apply (7
 * instances, 3 groups, 13 rules), plan again.
 */
export async function benchProvision(repoDir: string, gnupgHome: string): Promise<ProvisionBenchResult> {
  const gpg = gpgIn(gnupgHome);
  const botKey = gpg(["--armor", "--export-secret-keys", "bot@bench.invalid"]).toString();
  const fake = await new FakeEc2().start();
  const ec2 = new EC2Client({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
  });
  const run = async (action: "plan" | "apply") => {
    const before = fake.calls.length;
    const started = performance.now();
    const code = await provisionCommand(
      action,
      {
        repo: repoDir,
        cluster: "cluster00",
        json: false,
        now: new Date(),
        botKey,
        ec2,
        wait: { pollMs: 1, timeoutMs: 10_000 },
      },
      { write: () => undefined },
    );
    return { code, ms: performance.now() - started, calls: fake.calls.length - before };
  };
  try {
    const planEmpty = await run("plan");
    const apply = await run("apply");
    const planSteady = await run("plan");
    if (planEmpty.code !== 2 || apply.code !== 0 || planSteady.code !== 0)
      throw new Error(
        `provisioning bench: plan ${planEmpty.code}, apply ${apply.code}, plan ${planSteady.code}`,
      );
    const keyFiles = ["master", "node"].map((role) =>
      join(repoDir, "clusters/cluster00", `${role}-key.pem.asc`),
    );
    const decryptionKey = await readDecryptionKey(botKey);
    const inProcessStarted = performance.now();
    for (const file of keyFiles) await decryptMessage(readFileSync(file), decryptionKey);
    const inProcessDecryptMs = performance.now() - inProcessStarted;
    const started = performance.now();
    for (const file of keyFiles) {
      const result = spawnSync("gpg", ["--homedir", gnupgHome, "--batch", "--quiet", "--decrypt"], {
        input: readFileSync(file),
      });
      if (result.status !== 0) throw new Error(`gpg could not open ${file}`);
    }
    return {
      planEmptyMs: planEmpty.ms,
      applyMs: apply.ms,
      planSteadyMs: planSteady.ms,
      calls: { planEmpty: planEmpty.calls, apply: apply.calls, planSteady: planSteady.calls },
      inProcessDecryptMs,
      gpgDecryptMs: performance.now() - started,
    };
  } finally {
    ec2.destroy();
    await fake.close();
  }
}
