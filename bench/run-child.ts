import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * Run one of the bench's child scripts (plain JavaScript on dist/) in a fresh node process and
 * parse the JSON it prints: a measurement in a process of its own, whose memory is its own.
 */
export function runChild<T>(script: string, args: readonly string[]): T {
  const child = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(`${script} exited ${child.status}: ${child.stderr}`);
  return JSON.parse(child.stdout) as T;
}
