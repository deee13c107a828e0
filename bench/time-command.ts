import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CommandTiming {
  /** Wall time, start-up included, as the user waits for it. */
  readonly ms: number;
  /**
   * GNU time's maximum resident set size: of the command's own process, or for a shell script the
   * largest process it ran (its children's figures are not added up).
   */
  readonly maxRssMiB: number;
  readonly stdout: string;
}

/**
 * Run a command the way a user does, under `/usr/bin/time` for its peak RSS (the bench's own node
 * process is not counted); throws with its output when it fails.
 */
export function timeCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CommandTiming {
  const scratch = mkdtempSync(join(tmpdir(), "kaws-bench-time-"));
  const report = join(scratch, "rss");
  try {
    const started = performance.now();
    const child = spawnSync("/usr/bin/time", ["-f", "%M", "-o", report, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    const ms = performance.now() - started;
    if (child.error) throw new Error(`cannot run /usr/bin/time (GNU time): ${child.error.message}`);
    if (child.status !== 0)
      throw new Error(
        `${command} ${args.join(" ")} exited ${child.status}: ${child.stderr.slice(-2000)}${child.stdout.slice(0, 2000)}`,
      );
    const kib = Number(readFileSync(report, "utf8").trim().split("\n").at(-1));
    return { ms, maxRssMiB: kib / 1024, stdout: child.stdout };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The fastest of several timings (the least disturbed by the rest of the machine). */
export function fastest<T extends { ms: number }>(timings: readonly T[]): T {
  return timings.reduce((best, timing) => (timing.ms < best.ms ? timing : best));
}
