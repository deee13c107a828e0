import { mib, ms, yes } from "./print-rows.js";
import type { ColdAndWarm } from "./reencrypt-anchors.js";
import type { InProcessReencrypt, ReencryptBenchResult } from "./reencrypt-bench.js";

type Row = readonly [string, string, string];

const inProcessNote = (run: InProcessReencrypt) =>
  `read the keys ${ms(run.readKeysMs)}, re-encrypt ${ms(run.reencryptMs)}, peak RSS ${mib(run.maxRssMiB)}`;

/**
 * Re-encryption in process against the gpg and age scripts. A goal is met only when it is met
 * cold against cold and warm against warm.
 */
export function reencryptRows(result: ReencryptBenchResult): Row[] {
  const { inProcessCold, inProcessWarm } = result;
  const anchorRows = (name: string, script: string, anchor: ColdAndWarm, goal: number): Row[] => {
    const ratios = [inProcessCold.ms / anchor.cold.ms, inProcessWarm.ms / anchor.warm.ms] as const;
    return [
      [
        `${name} script, cold`,
        ms(anchor.cold.ms),
        `largest process ${mib(anchor.cold.maxRssMiB)}; ${script}`,
      ],
      [`${name} script, warm`, ms(anchor.warm.ms), `largest process ${mib(anchor.warm.maxRssMiB)}`],
      [
        `goal: in process <= ${goal}x ${name}`,
        `${ratios[0].toFixed(2)}x / ${ratios[1].toFixed(2)}x`,
        `cold against cold / warm against warm; met: ${yes(Math.max(...ratios) <= goal)}`,
      ],
    ];
  };
  return [
    [
      `re-encrypt ${result.files} keys to ${result.recipients} recipients, in process, cold`,
      ms(inProcessCold.ms),
      `first run in a fresh process; ${inProcessNote(inProcessCold)}`,
    ],
    ["the same, warm (a later run in that process)", ms(inProcessWarm.ms), inProcessNote(inProcessWarm)],
    ...anchorRows(
      "gpg",
      "bench/reencrypt-with-gpg.sh (cold: fresh GNUPGHOME, keys imported)",
      result.gpg,
      0.5,
    ),
    ...(result.age === null
      ? []
      : anchorRows("age", "bench/reencrypt-with-age.sh (50 ssh-rsa-3072 + 51 X25519)", result.age, 0.8)),
    [
      "GitHub API calls for it (the reconciler)",
      `${result.calls}`,
      `blobs read: ${result.reads}; writes: ${result.writes} (tree, commit, ref)`,
    ],
  ];
}
