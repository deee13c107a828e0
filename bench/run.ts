// `npm run bench`: kaws against the tools a careful user would script instead (gpg, openssl, age),
// whole commands and in process, cold and warm; then the bot's own lines (PR evaluation, webhook
// load, merge, provisioning). KAWS_BENCH_LARGE=1 adds `kaws verify` on 1,000 admins × 100 clusters.
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { ADMINS, CLUSTERS, buildSyntheticRepo } from "./build-synthetic-repo.js";
import { ageInstalled } from "./age-keys.js";
import { ensureBuilt } from "./ensure-built.js";
import { benchMerge } from "./merge-bench.js";
import { printRows, yes } from "./print-rows.js";
import { benchPullRequests } from "./pull-request-bench.js";
import { benchProvision } from "./provision-bench.js";
import { benchReencrypt } from "./reencrypt-bench.js";
import { reencryptRows } from "./reencrypt-rows.js";
import { benchHelp, benchVerify } from "./verify-bench.js";
import { helpRows, largeVerifyRows, verifyRows } from "./verify-rows.js";
import { benchWebhookLoad } from "./webhook-load-bench.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const cacheRoot = join(projectRoot, ".cache", "bench");
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const machineLoad = () =>
  loadavg()
    .map((average) => average.toFixed(1))
    .join(" / ");

ensureBuilt(projectRoot, log);
const { dir, gnupgHome } = await buildSyntheticRepo(cacheRoot, log);
log(`repository: ${ADMINS} admins, ${CLUSTERS} clusters, ${ADMINS} signed CSRs with certificates (${dir})`);
const loadAtStart = machineLoad();

log("kaws verify: whole command and in process, against the batched gpg/openssl script");
printRows(verifyRows(benchVerify(dir)));
printRows(helpRows(benchHelp()));
if (process.env.KAWS_BENCH_LARGE === "1") {
  log("kaws verify on 1,000 admins x 100 clusters (the first build takes about 15 minutes)");
  const large = await buildSyntheticRepo(join(projectRoot, ".cache", "bench-large"), log, {
    admins: 1000,
    clusters: 100,
  });
  printRows(
    largeVerifyRows(
      benchVerify(large.dir, { commandRuns: 2, inProcessProcesses: 1, inProcessRuns: 2, anchorRuns: 0 }),
    ),
  );
} else {
  log("skipped kaws verify on 1,000 admins x 100 clusters: set KAWS_BENCH_LARGE=1");
}

log("pull-request evaluation: the real app over HTTP, a fake GitHub on 127.0.0.1 answering at once");
const pr = await benchPullRequests(dir, gnupgHome);
const prRows = [
  [
    "PR evaluation (1 key + 1 CSR, 200 admins), first",
    `${pr.sequential.coldMs.toFixed(0)} ms`,
    "delivery sent -> work done; cold: the default branch's 201 keys fetched and parsed",
  ],
  [
    "PR evaluation, p50 / p99 of the next 29",
    `${pr.sequential.p50Ms.toFixed(0)} / ${pr.sequential.p99Ms.toFixed(0)} ms`,
    "delivery sent -> work done (check run and comment written), one at a time",
  ],
  [
    "GitHub API calls per evaluation",
    `${pr.sequential.callsPerEvaluation.toFixed(1)}`,
    `of which writes: ${pr.sequential.writesPerEvaluation.toFixed(1)} (check run, comment)`,
  ],
  [
    `${pr.concurrent.deliveries} deliveries at once: p50 / p99`,
    `${pr.concurrent.p50Ms.toFixed(0)} / ${pr.concurrent.p99Ms.toFixed(0)} ms`,
    `delivery sent -> its check run written; all done in ${pr.concurrent.wallMs.toFixed(0)} ms; ` +
      `answered in ${pr.concurrent.answerP50Ms.toFixed(0)} / ${pr.concurrent.answerP99Ms.toFixed(0)} ms; ` +
      `bench process peak RSS ${pr.concurrent.peakRssMiB.toFixed(0)} MiB`,
  ],
];
printRows(prRows);

log(
  "webhook load: 500 signed deliveries, 50 in flight, to the app in its own process (Probot's throttling on), fake GitHub on 127.0.0.1",
);
const load = await benchWebhookLoad(dir, gnupgHome);
printRows(
  load.flatMap((run) => {
    const name = `load, ${run.installations} installation${run.installations === 1 ? "" : "s"}`;
    for (const [warning, count] of Object.entries(run.warnings)) log(`${name}: ${count} x ${warning}`);
    return [
      [
        `${name}: webhook answer p50 / p99`,
        `${run.answerP50Ms.toFixed(0)} / ${run.answerP99Ms.toFixed(0)} ms`,
        `${run.deliveries} deliveries over ${run.pulls} PRs; p99 < 1 s: ${yes(run.answerP99Ms < 1000)}; ` +
          `event loop held at most ${run.eventLoopMaxMs.toFixed(0)} ms in the app, ` +
          `${run.senderLoopMaxMs.toFixed(0)} ms in the sender`,
      ],
      [
        `${name}: all work done (drain)`,
        `${(run.drainMs / 1000).toFixed(1)} s`,
        `${run.queue.done} evaluations, ${run.queue.retried} attempts tried again, ${run.queue.failed} failed; ` +
          `${run.calls} API calls, of which writes: ${run.writes}`,
      ],
      [
        `${name}: peak RSS of the app's process`,
        `${run.peakRssMiB.toFixed(0)} MiB`,
        `under 300 MiB: ${yes(run.peakRssMiB < 300)}`,
      ],
      [
        `${name}: lost / duplicated / refused (503)`,
        `${run.lost} / ${run.duplicated} / ${run.refused}`,
        `must be 0 / 0 / 0: ${yes(run.lost + run.duplicated + run.refused === 0)}`,
      ],
    ];
  }),
);

log("signing on merge: push delivery to certificate commit, against the same fake GitHub");
const merge = await benchMerge(dir, gnupgHome);
if (!merge.committed) throw new Error("the merge bench did not end with the certificate on the branch");
const mergeRows = [
  [
    "merge push -> certificate commit (200 admins)",
    `${merge.pushToCommitMs.toFixed(0)} ms`,
    "one commit: the certificate and all 60 keys re-encrypted to 202 recipients",
  ],
  [
    "GitHub API calls for it",
    `${merge.calls}`,
    `of which writes: ${merge.writes} (tree, commit, ref, PR reply); the rest reads every key and key file`,
  ],
];
printRows(mergeRows);

log("re-encryption: 20 clusters x 3 keys to 100 admins (50 RSA-3072, 50 Curve25519) and the bot");
if (!ageInstalled())
  log("age, age-keygen or ssh-keygen is not installed: no age lines (apt-get install age)");
printRows(reencryptRows(await benchReencrypt(dir, gnupgHome, cacheRoot)));

log("provisioning: kaws provision plan, apply, plan for one cluster, against a fake EC2 on 127.0.0.1");
const provision = await benchProvision(dir, gnupgHome);
printRows([
  [
    "provision plan, empty account",
    `${provision.planEmptyMs.toFixed(0)} ms`,
    `${provision.calls.planEmpty} EC2 requests (3 reads, 3 dry runs)`,
  ],
  [
    "provision apply (3 groups, 13 rules, 7 instances)",
    `${provision.applyMs.toFixed(0)} ms`,
    `${provision.calls.apply} EC2 requests; verifies the 200-admin repository and opens 2 keys with the bot key`,
  ],
  [
    "provision plan, nothing to do",
    `${provision.planSteadyMs.toFixed(0)} ms`,
    `${provision.calls.planSteady} EC2 requests`,
  ],
  [
    "its 2 keys (201 recipients) opened in process / by gpg",
    `${provision.inProcessDecryptMs.toFixed(1)} / ${provision.gpgDecryptMs.toFixed(0)} ms`,
    `ratio ${(provision.inProcessDecryptMs / provision.gpgDecryptMs).toFixed(2)}; gpg --decrypt, one process per key`,
  ],
]);

printRows([
  [
    "machine load (1, 5, 15 min) at start / at end",
    `${loadAtStart} / ${machineLoad()}`,
    "other work on the machine slows every line",
  ],
]);
