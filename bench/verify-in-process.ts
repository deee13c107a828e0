// Child process of the bench: loads the tree and runs every invariant, then reports its own time and peak memory.
import { readWorkingTree } from "../src/cli/read-working-tree.js";
import { verifyTree } from "../src/core/policy/verify-tree.js";

const dir = process.argv[2]!;
const started = performance.now();
const tree = await readWorkingTree(dir);
const loaded = performance.now();
const { findings } = await verifyTree(tree, { now: new Date() });
const done = performance.now();
process.stdout.write(
  JSON.stringify({
    files: tree.size,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.length - findings.filter((f) => f.severity === "error").length,
    loadMs: loaded - started,
    verifyMs: done - loaded,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
