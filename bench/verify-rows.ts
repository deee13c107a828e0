import { mib, ms, yes } from "./print-rows.js";
import type { CommandTiming } from "./time-command.js";
import type { InProcessVerify, VerifyBenchResult } from "./verify-bench.js";

type Row = readonly [string, string, string];

const inProcessNote = (run: InProcessVerify) =>
  `read ${ms(run.loadMs)}, verify ${ms(run.verifyMs)}, ${run.files} files, peak RSS ${mib(run.maxRssMiB)}`;

/**
 * `kaws verify` on the 200-admin repository against the gpg/openssl script. A goal is met only
 * when it is met both ways: cold against cold and warm against warm (the whole command is always
 * a fresh process, so it meets the script's cold and warm runs).
 */
export function verifyRows(result: VerifyBenchResult): Row[] {
  const { command, inProcessCold, inProcessWarm, anchor } = result;
  const rows: Row[] = [
    [
      "kaws verify, whole command (node bin/kaws.js, fresh process)",
      ms(command.ms),
      `peak RSS ${mib(command.maxRssMiB)}; the fastest run, start-up included`,
    ],
    [
      "kaws verify, in process, cold (first run in a fresh process)",
      ms(inProcessCold.ms),
      inProcessNote(inProcessCold),
    ],
    [
      "kaws verify, in process, warm (a later run in that process)",
      ms(inProcessWarm.ms),
      inProcessNote(inProcessWarm),
    ],
  ];
  if (anchor === null) return rows;
  const speedUp = (kaws: number, script: CommandTiming) => script.ms / kaws;
  const whole = [speedUp(command.ms, anchor.cold), speedUp(command.ms, anchor.warm)] as const;
  const inProcess = [speedUp(inProcessCold.ms, anchor.cold), speedUp(inProcessWarm.ms, anchor.warm)] as const;
  return [
    ...rows,
    [
      "gpg/openssl script, cold (fresh GNUPGHOME)",
      ms(anchor.cold.ms),
      `largest process ${mib(anchor.cold.maxRssMiB)}; bench/verify-with-gpg-openssl.sh`,
    ],
    [
      "gpg/openssl script, warm (the same keyring again)",
      ms(anchor.warm.ms),
      `largest process ${mib(anchor.warm.maxRssMiB)}`,
    ],
    [
      "goal: whole command >= 3x faster than the script",
      `${whole[0].toFixed(1)}x / ${whole[1].toFixed(1)}x`,
      `against the script cold / warm; met: ${yes(Math.min(...whole) >= 3)}`,
    ],
    [
      "goal: in process >= 8x faster than the script",
      `${inProcess[0].toFixed(1)}x / ${inProcess[1].toFixed(1)}x`,
      `cold against cold / warm against warm; met: ${yes(Math.min(...inProcess) >= 8)}`,
    ],
  ];
}

/** The 1,000-admin, 100-cluster line: absolute goals, no anchor. */
export function largeVerifyRows(result: VerifyBenchResult): Row[] {
  const { command, inProcessCold, inProcessWarm } = result;
  return [
    [
      "kaws verify 1,000 admins / 100 clusters, whole command",
      ms(command.ms),
      `peak RSS ${mib(command.maxRssMiB)}; goal < 5 s and < 400 MiB: met: ${yes(command.ms < 5000 && command.maxRssMiB < 400)}`,
    ],
    ["the same in process, cold", ms(inProcessCold.ms), inProcessNote(inProcessCold)],
    ["the same in process, warm", ms(inProcessWarm.ms), inProcessNote(inProcessWarm)],
  ];
}

/** `kaws --help`, a fresh process each time. */
export function helpRows(help: { first: CommandTiming; fastest: CommandTiming }): Row[] {
  return [
    [
      "kaws --help, whole command: first / fastest of 5",
      `${ms(help.first.ms)} / ${ms(help.fastest.ms)}`,
      `peak RSS ${mib(help.first.maxRssMiB)}; goal < 0.5 s (the first run): met: ${yes(help.first.ms < 500)}`,
    ],
  ];
}
