import { spawnSync } from "node:child_process";

/** Run a real tool and return its stdout; a non-zero exit throws with the tool's own stderr. */
export function run(
  command: string,
  args: string[],
  options: { input?: string | Uint8Array; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Buffer {
  const result = spawnSync(command, args, {
    input: options.input,
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr.toString()}`);
  }
  return result.stdout;
}

/** Like run, but returns the exit status and both outputs instead of throwing. */
export function runStatus(
  command: string,
  args: string[],
  options: { input?: string | Uint8Array; env?: NodeJS.ProcessEnv; cwd?: string } = {},
) {
  const result = spawnSync(command, args, {
    input: options.input,
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}
