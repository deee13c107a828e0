import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { commitFiles } from "../helpers/build-repo.js";
import { FakeEc2 } from "../helpers/fake-ec2.js";
import { run } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const kawsBin = fileURLToPath(new URL("../../bin/kaws.js", import.meta.url));
const { ids, repo: built } = useRepo();
const work = mkdtempSync(join(tmpdir(), "kaws-provision-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The real command line, configured only the AWS SDK's standard way (environment variables). */
function kaws(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [kawsBin, ...args],
      { env: { ...process.env, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("kaws provision from the command line", () => {
  it("finds EC2 through AWS_ENDPOINT_URL_EC2 and the credentials in the environment", async () => {
    const fake = await new FakeEc2().start();
    try {
      const repo = join(work, "repo");
      commitFiles(repo, built().files);
      const env = {
        AWS_ENDPOINT_URL_EC2: fake.url,
        AWS_ACCESS_KEY_ID: "AKIDKAWSTEST",
        AWS_SECRET_ACCESS_KEY: "kaws-test-secret",
        AWS_MAX_ATTEMPTS: "1",
        AWS_CONFIG_FILE: join(work, "no-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(work, "no-credentials"),
        KAWS_BOT_KEY: ids().bot.exportSecret(),
      };
      const plan = await kaws(["provision", "plan", "prod", "--repo", repo], env);
      expect(plan.stdout).toContain("23 changes: `kaws provision apply prod` makes them");
      expect(plan.status).toBe(2);
      const apply = await kaws(["provision", "apply", "prod", "--repo", repo], env);
      expect(apply.stdout).toMatch(/^applying 23 changes to cluster prod:$/m);
      expect(apply.status).toBe(0);
      expect(`${apply.stdout}${apply.stderr}`).not.toContain("PRIVATE KEY");
      // nothing written next to the repository's files: the opened keys went to EC2 only
      expect(run("git", ["-C", repo, "status", "--porcelain", "--ignored"]).toString()).toBe("");
      expect(await kaws(["provision", "plan", "prod", "--repo", repo], env)).toMatchObject({ status: 0 });

      const noCredentials = await kaws(["provision", "plan", "prod", "--repo", repo], {
        ...env,
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_EC2_METADATA_DISABLED: "true",
      });
      expect(noCredentials.status).toBe(1);
      expect(noCredentials.stderr).toContain("kaws: no AWS credentials found for ec2:DescribeVpcs");

      const usage = await kaws(["provision", "launch", "prod"], env);
      expect(usage.status).toBe(64); // never 2: that means "changes to make", and a workflow applies them
      expect(usage.stderr).toContain("usage: kaws provision plan C [--json] | kaws provision apply C");
      const unknown = await kaws(["provision", "plan", "staging", "--repo", repo], env);
      expect(unknown.stderr).toContain(
        'there is no cluster "staging" (clusters/staging/cluster.yml is missing)',
      );
      expect(unknown.status).toBe(64);
    } finally {
      await fake.close();
    }
  });
});
