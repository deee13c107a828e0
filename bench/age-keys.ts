import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface AgeKeys {
  /** The bot's X25519 identity file (age-keygen). */
  readonly identityFile: string;
  /** The bot, then `half` X25519 and `half` ssh-rsa-3072 recipients, one a line. */
  readonly recipientsFile: string;
  /** The bot, then the first `half / 2` of each kind: the recipients before the admin set grew. */
  readonly startRecipientsFile: string;
}

/** Whether Debian's `age` (and `age-keygen`) can be run here. */
export function ageInstalled(): boolean {
  return (
    spawnSync("age", ["--version"]).status === 0 && spawnSync("age-keygen", ["--help"]).error === undefined
  );
}

/**
 * Recipients for the age anchor, matching the re-encryption's 100 admins + bot: the bot an X25519
 * identity, the admins 50 X25519 keys (age-keygen) and 50 ssh-rsa-3072 keys (ssh-keygen), like the
 * gpg set's 50 Curve25519 and 50 RSA-3072. The bot comes first in each file: age tries its
 * identity on every X25519 stanza in turn, and first is its best case. Made once under `root`.
 */
export function makeAgeKeys(root: string, half = 50): AgeKeys {
  const dir = join(root, `age-${half}`);
  const keys = {
    identityFile: join(dir, "bot.key"),
    recipientsFile: join(dir, "recipients.txt"),
    startRecipientsFile: join(dir, "start-recipients.txt"),
  };
  if (existsSync(keys.startRecipientsFile)) return keys;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  run("age-keygen", ["-o", keys.identityFile]);
  const bot = run("age-keygen", ["-y", keys.identityFile]).trim();
  const x25519 = Array.from({ length: half }, () => {
    const identity = run("age-keygen", []);
    return /^# public key: (age1\S+)$/m.exec(identity)![1]!;
  });
  const sshRsa = Array.from({ length: half }, (_, index) => {
    const file = join(dir, `admin-rsa-${index}`);
    run("ssh-keygen", ["-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", `admin${index}`, "-f", file]);
    return readFileSync(`${file}.pub`, "utf8").trim();
  });
  writeFileSync(keys.recipientsFile, [bot, ...x25519, ...sshRsa].join("\n") + "\n");
  writeFileSync(
    keys.startRecipientsFile,
    [bot, ...x25519.slice(0, half / 2), ...sshRsa.slice(0, half / 2)].join("\n") + "\n",
  );
  return keys;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}
