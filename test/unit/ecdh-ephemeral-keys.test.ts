import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

/** Keys made here (`npm run stress` makes 100,000). */
const COUNT = Number(process.env.STRESS_KEYS ?? "3000");

it(`makes ${COUNT} ephemeral X25519 keys under garbage-collection pressure without deadlocking`, () => {
  // in a child process: a deadlocked process cannot end itself, the parent's timeout ends it
  const script = fileURLToPath(new URL("../stress/ecdh-keys-under-gc.ts", import.meta.url));
  const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", script, String(COUNT)], {
    encoding: "utf8",
    timeout: Math.max(60_000, COUNT * 2),
  });
  expect(child.signal, "the process hung and was killed").toBeNull();
  expect(child.stderr).toBe("");
  expect(child.stdout).toBe(`ok ${COUNT}\n`);
}, 300_000);
