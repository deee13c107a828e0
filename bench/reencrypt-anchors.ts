import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgeKeys } from "./age-keys.js";
import { writeReencryptInput, type ReencryptStartState } from "./reencrypt-start-state.js";
import { fastest, timeCommand, type CommandTiming } from "./time-command.js";

const WITH_GPG = fileURLToPath(new URL("./reencrypt-with-gpg.sh", import.meta.url));
const WITH_AGE = fileURLToPath(new URL("./reencrypt-with-age.sh", import.meta.url));

export interface ColdAndWarm {
  readonly cold: CommandTiming;
  readonly warm: CommandTiming;
}

/**
 * reencrypt-with-gpg.sh on the start state, `pairs` times: cold on a fresh GNUPGHOME (the public
 * keys and the bot's secret key imported in the timed run), then warm on the same keyring with its
 * agent running. The key files are written afresh before each run (gpg rewrites them in place).
 */
export function reencryptWithGpg(state: ReencryptStartState, pairs = 2): ColdAndWarm {
  const runs = Array.from({ length: pairs }, () => {
    const scratch = mkdtempSync(join(tmpdir(), "kaws-bench-gpg-"));
    const gnupgHome = join(scratch, "gnupg");
    const work = join(scratch, "work");
    mkdirSync(gnupgHome, { mode: 0o700 });
    const recipients = join(scratch, "recipients");
    writeFileSync(recipients, state.fingerprints.join("\n") + "\n");
    try {
      writeReencryptInput(state, work);
      const keyFiles = [
        ...readdirSync(join(work, "pubkeys")).map((file) => join(work, "pubkeys", file)),
        join(work, "bot-secret.asc"),
      ];
      const cold = timeCommand("bash", [WITH_GPG, work, gnupgHome, recipients, ...keyFiles]);
      writeReencryptInput(state, work);
      const warm = timeCommand("bash", [WITH_GPG, work, gnupgHome, recipients]);
      return { cold, warm };
    } finally {
      spawnSync("gpgconf", ["--homedir", gnupgHome, "--kill", "all"]);
      rmSync(scratch, { recursive: true, force: true });
    }
  });
  return { cold: fastest(runs.map((r) => r.cold)), warm: fastest(runs.map((r) => r.warm)) };
}

/**
 * reencrypt-with-age.sh on the same clear keys, first encrypted with age to the start recipients
 * (the bot, 25 X25519 and 25 ssh-rsa-3072), run `runs` times: age keeps no state, so the first run
 * is the cold one and the fastest of the others the warm one.
 */
export function reencryptWithAge(state: ReencryptStartState, keys: AgeKeys, runs = 3): ColdAndWarm {
  const work = mkdtempSync(join(tmpdir(), "kaws-bench-age-"));
  try {
    for (const [path, clear] of state.clearKeys) {
      const file = join(work, path.replace(/\.asc$/, ".age"));
      mkdirSync(dirname(file), { recursive: true });
      const age = spawnSync("age", ["--encrypt", "--armor", "-R", keys.startRecipientsFile, "-o", file], {
        input: clear,
      });
      if (age.status !== 0) throw new Error(`age could not encrypt ${path}: ${age.stderr}`);
    }
    const timings = Array.from({ length: runs }, () =>
      timeCommand("bash", [WITH_AGE, work, keys.identityFile, keys.recipientsFile]),
    );
    return { cold: timings[0]!, warm: fastest(timings.slice(1)) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
