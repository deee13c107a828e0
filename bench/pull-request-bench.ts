import { spawnSync } from "node:child_process";
import { readWorkingTree } from "../src/cli/read-working-tree.js";
import { gpgIn } from "./build-synthetic-repo.js";
import type { Files } from "../test/helpers/build-repo.js";
import { startFakeGitHubServer } from "../test/helpers/fake-github-server.js";
import { FakeRepo } from "../test/helpers/fake-repo.js";
import { makeCsr } from "../test/helpers/openssl.js";
import { pullRequestPayload, startWebhookServer } from "../test/helpers/probot.js";

const SECRET = "bench-webhook-secret";

export interface PullRequestBenchResult {
  readonly sequential: {
    coldMs: number;
    p50Ms: number;
    p99Ms: number;
    callsPerEvaluation: number;
    writesPerEvaluation: number;
  };
  readonly concurrent: {
    deliveries: number;
    p50Ms: number;
    p99Ms: number;
    wallMs: number;
    peakRssMiB: number;
  };
}

/**
 * A PR adding one admin key and one CSR to the 200-admin repository, evaluated by the real app
 * served over HTTP, against a fake GitHub on 127.0.0.1 that answers at once: latency per delivery
 * (the webhook response waits for the handler), API calls per evaluation, then 50 deliveries at once.
 */
export async function benchPullRequests(
  repoDir: string,
  gnupgHome: string,
  sequentialRuns = 30,
  concurrentRuns = 50,
): Promise<PullRequestBenchResult> {
  const tree = await readWorkingTree(repoDir);
  const files: Files = {};
  for (const [path, entry] of tree) if (entry.bytes) files[path] = entry.bytes;

  const gpg = gpgIn(gnupgHome);

  if (spawnSync("gpg", ["--homedir", gnupgHome, "--list-keys", "newcomer@bench.invalid"]).status !== 0) {
    gpg(["--quick-gen-key", "newcomer <newcomer@bench.invalid>", "ed25519", "sign", "never"]);
    const fpr = /fpr:::::::::([0-9A-F]{40}):/.exec(
      gpg(["--with-colons", "--list-keys", "newcomer@bench.invalid"]).toString(),
    )![1]!;
    gpg(["--quick-add-key", fpr, "cv25519", "encr", "never"]);
  }
  const publicKey = gpg(["--armor", "--export", "newcomer@bench.invalid"]);

  const repo = new FakeRepo();
  const baseSha = repo.commit(files);
  const heads = Array.from({ length: sequentialRuns + concurrentRuns }, () => {
    const { csr } = makeCsr("/CN=newcomer/O=developers");
    const signature = gpg(
      ["--local-user", "newcomer@bench.invalid", "--armor", "--detach-sign", "--output", "-"],
      csr,
    );
    return repo.commit({
      ...files,
      "pubkeys/newcomer.asc": publicKey,
      "clusters/cluster00/admins/newcomer.csr": csr,
      "clusters/cluster00/admins/newcomer.csr.asc": signature,
    });
  });
  const fake = await startFakeGitHubServer({
    repo,
    defaultSha: baseSha,
    mergeBaseSha: baseSha,
    gpgKeys: { newcomer: [{ key_id: "x", raw_key: publicKey.toString(), subkeys: [] }] },
  });
  const server = await startWebhookServer({ baseUrl: fake.url, secret: SECRET, logLevel: "silent" });

  const deliver = async (index: number): Promise<number> => {
    const payload = pullRequestPayload({
      headSha: heads[index]!,
      baseSha,
      number: 1000 + index,
      author: "newcomer",
    });
    const started = performance.now();
    const status = await server.deliver("pull_request", payload, `bench-${index}`);
    if (status !== 200) throw new Error(`delivery ${index} answered ${status}`);
    return performance.now() - started;
  };

  try {
    const sequential: number[] = [];
    const callsBefore = fake.api.calls.length;
    for (let i = 0; i < sequentialRuns; i++) sequential.push(await deliver(i));
    const evaluationCalls = fake.api.calls
      .slice(callsBefore)
      .filter((c) => !c.path.includes("access_tokens"));
    const writes = evaluationCalls.filter((c) => c.method !== "GET" && !c.path.endsWith("graphql"));
    const expected = fake.api.checkRuns.filter((r) => r.conclusion === "action_required").length;
    if (expected !== sequentialRuns)
      throw new Error(`expected ${sequentialRuns} passing-but-unapproved check runs, got ${expected}`);

    const wallStarted = performance.now();
    const concurrent = await Promise.all(
      Array.from({ length: concurrentRuns }, (_, i) => deliver(sequentialRuns + i)),
    );
    const wallMs = performance.now() - wallStarted;
    return {
      sequential: {
        coldMs: sequential[0]!,
        p50Ms: percentile(sequential.slice(1), 50),
        p99Ms: percentile(sequential.slice(1), 99),
        callsPerEvaluation: evaluationCalls.length / sequentialRuns,
        writesPerEvaluation: writes.length / sequentialRuns,
      },
      concurrent: {
        deliveries: concurrentRuns,
        p50Ms: percentile(concurrent, 50),
        p99Ms: percentile(concurrent, 99),
        wallMs,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
      },
    };
  } finally {
    await server.stop();
    fake.server.close();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
