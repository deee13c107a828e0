import { spawnSync } from "node:child_process";
import { readWorkingTree } from "../src/cli/read-working-tree.js";
import { gpgIn } from "./build-synthetic-repo.js";
import { percentile } from "./percentile.js";
import type { Files } from "../test/helpers/build-repo.js";
import { startFakeGitHubServer } from "../test/helpers/fake-github-server.js";
import { FakeRepo } from "../test/helpers/fake-repo.js";
import { makeCsr } from "../test/helpers/openssl.js";
import { pullRequestPayload, startWebhookServer } from "../test/helpers/probot.js";

const SECRET = "bench-webhook-secret";

export interface PullRequestBenchResult {
  /** One delivery at a time: from sending it until its work is done (check run and comment written). */
  readonly sequential: {
    coldMs: number;
    p50Ms: number;
    p99Ms: number;
    callsPerEvaluation: number;
    writesPerEvaluation: number;
  };
  /** Deliveries sent at once, each a different pull request. */
  readonly concurrent: {
    deliveries: number;
    /** From sending a delivery until its check run is written (the fake GitHub's time of creation). */
    p50Ms: number;
    p99Ms: number;
    /** The webhook's HTTP answer, which comes as soon as the work is queued. */
    answerP50Ms: number;
    answerP99Ms: number;
    /** From the first delivery sent until every piece of work is done. */
    wallMs: number;
    /** The bench process's own peak: the fake GitHub and the lines measured before are in it. */
    peakRssMiB: number;
  };
}

/**
 * A PR adding one admin key and one CSR to the 200-admin repository, evaluated by the real app
 * served over HTTP, against a fake GitHub on 127.0.0.1 that answers at once (the test Octokit: no
 * throttling, so GitHub's pacing of writes is excluded; the load line measures it). The webhook is
 * answered as soon as the work is queued, so the latency measured is from sending the delivery to
 * its work done, not the HTTP answer: one at a time, until the queue is idle; then 50 at once,
 * until each one's check run is written. Also the API calls per evaluation.
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

  const payloadOf = (index: number) =>
    pullRequestPayload({ headSha: heads[index]!, baseSha, number: 1000 + index, author: "newcomer" });
  /** Send a delivery; the time of its HTTP answer (its work is only queued then). */
  const send = async (index: number): Promise<number> => {
    const started = performance.now();
    const status = await server.send("pull_request", payloadOf(index), `bench-${index}`);
    if (status !== 200) throw new Error(`delivery ${index} answered ${status}`);
    return performance.now() - started;
  };
  /** One delivery alone: from sending it until the queue is idle (check run and comment written). */
  const evaluateAlone = async (index: number): Promise<number> => {
    const started = performance.now();
    await send(index);
    await server.work.idle();
    return performance.now() - started;
  };

  try {
    const sequential: number[] = [];
    const callsBefore = fake.api.calls.length;
    for (let i = 0; i < sequentialRuns; i++) sequential.push(await evaluateAlone(i));
    const evaluationCalls = fake.api.calls
      .slice(callsBefore)
      .filter((c) => !c.path.includes("access_tokens"));
    const writes = evaluationCalls.filter((c) => c.method !== "GET" && !c.path.endsWith("graphql"));
    const expected = fake.api.checkRuns.filter((r) => r.conclusion === "action_required").length;
    if (expected !== sequentialRuns)
      throw new Error(`expected ${sequentialRuns} passing-but-unapproved check runs, got ${expected}`);

    const indices = Array.from({ length: concurrentRuns }, (_, i) => sequentialRuns + i);
    const sentAt = new Map<string, number>();
    const wallStarted = performance.now();
    const answers = await Promise.all(
      indices.map((index) => {
        sentAt.set(heads[index]!, Date.now()); // the fake stamps check runs with the wall clock
        return send(index);
      }),
    );
    await server.work.idle();
    const wallMs = performance.now() - wallStarted;
    const untilCheckRun = indices.map((index) => {
      const run = fake.api.checkRuns.find((r) => r.head_sha === heads[index]);
      if (run === undefined) throw new Error(`delivery ${index} left no check run`);
      return Date.parse(run.started_at) - sentAt.get(heads[index]!)!;
    });
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
        p50Ms: percentile(untilCheckRun, 50),
        p99Ms: percentile(untilCheckRun, 99),
        answerP50Ms: percentile(answers, 50),
        answerP99Ms: percentile(answers, 99),
        wallMs,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
      },
    };
  } finally {
    await server.stop();
    fake.server.close();
  }
}
