import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "./run-child.js";
import { fastest, timeCommand, type CommandTiming } from "./time-command.js";

const KAWS = fileURLToPath(new URL("../bin/kaws.js", import.meta.url));
const ANCHOR = fileURLToPath(new URL("./verify-with-gpg-openssl.sh", import.meta.url));

/** One read-and-verify of the checkout inside a node process (verify-in-process.ts). */
export interface InProcessVerify {
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
  readonly ms: number;
  readonly loadMs: number;
  readonly verifyMs: number;
  /** The process's peak RSS when this run ended. */
  readonly maxRssMiB: number;
}

export interface VerifyBenchResult {
  /** `node bin/kaws.js verify --json`, a fresh process each time: the fastest run. */
  readonly command: CommandTiming;
  /** The first run in a fresh process (the fastest of the processes), and the fastest later run in the same one. */
  readonly inProcessCold: InProcessVerify;
  readonly inProcessWarm: InProcessVerify;
  /** The gpg/openssl script: on a fresh GNUPGHOME, and again on the keyring it filled (the fastest of each). */
  readonly anchor: { readonly cold: CommandTiming; readonly warm: CommandTiming } | null;
}

export interface VerifyBenchOptions {
  readonly commandRuns: number;
  readonly inProcessProcesses: number;
  readonly inProcessRuns: number;
  /** Cold-then-warm pairs of the gpg/openssl script; 0 leaves it out. */
  readonly anchorRuns: number;
}

/** `kaws verify` on a checkout: the whole command, in process cold and warm, and the gpg/openssl anchor. */
export function benchVerify(
  repoDir: string,
  options: VerifyBenchOptions = { commandRuns: 3, inProcessProcesses: 2, inProcessRuns: 3, anchorRuns: 2 },
): VerifyBenchResult {
  const commands = Array.from({ length: options.commandRuns }, () =>
    timeCommand(process.execPath, [KAWS, "verify", "--repo", repoDir, "--json"]),
  );
  const processes = Array.from({ length: options.inProcessProcesses }, () =>
    runChild<InProcessVerify[]>("./verify-in-process.js", [repoDir, String(options.inProcessRuns)]),
  );
  for (const run of processes.flat())
    if (run.errors > 0) throw new Error(`the synthetic repository has ${run.errors} error findings`);
  const anchors = Array.from({ length: options.anchorRuns }, () => runAnchorColdThenWarm(repoDir));
  return {
    command: fastest(commands),
    inProcessCold: fastest(processes.map((runs) => runs[0]!)),
    inProcessWarm: fastest(processes.flatMap((runs) => runs.slice(1))),
    anchor:
      anchors.length === 0
        ? null
        : { cold: fastest(anchors.map((a) => a.cold)), warm: fastest(anchors.map((a) => a.warm)) },
  };
}

function runAnchorColdThenWarm(repoDir: string): { cold: CommandTiming; warm: CommandTiming } {
  const gnupgHome = mkdtempSync(join(tmpdir(), "kaws-bench-anchor-"));
  try {
    const cold = timeCommand("bash", [ANCHOR, repoDir, gnupgHome]);
    const warm = timeCommand("bash", [ANCHOR, repoDir, gnupgHome]);
    return { cold, warm };
  } finally {
    spawnSync("gpgconf", ["--homedir", gnupgHome, "--kill", "all"]);
    rmSync(gnupgHome, { recursive: true, force: true });
  }
}

/** `node bin/kaws.js --help`, a fresh process each time: the first run and the fastest. */
export function benchHelp(runs = 5): { first: CommandTiming; fastest: CommandTiming } {
  const timings = Array.from({ length: runs }, () => timeCommand(process.execPath, [KAWS, "--help"]));
  return { first: timings[0]!, fastest: fastest(timings) };
}
