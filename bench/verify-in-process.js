// Child process of the bench, plain JavaScript on the compiled dist/ (tsx would add about 40 MiB to
// the RSS measured): reads the checkout and runs every invariant, `runs` times in this one process
// (the first cold, the next warm), and reports each run's time and the process's peak RSS so far.
// usage: node bench/verify-in-process.js REPO [RUNS]
import { performance } from "node:perf_hooks";
import { readWorkingTree } from "../dist/cli/read-working-tree.js";
import { verifyTree } from "../dist/core/policy/verify-tree.js";

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 1);
const results = [];
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  const tree = await readWorkingTree(dir);
  const loaded = performance.now();
  const { findings } = await verifyTree(tree, { now: new Date() });
  const done = performance.now();
  const errors = findings.filter((f) => f.severity === "error").length;
  results.push({
    files: tree.size,
    errors,
    warnings: findings.length - errors,
    ms: done - started,
    loadMs: loaded - started,
    verifyMs: done - loaded,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  });
}
process.stdout.write(JSON.stringify(results));
