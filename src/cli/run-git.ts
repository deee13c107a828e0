import { spawn } from "node:child_process";
import { CliError } from "./cli-error.js";

/** Run git in `repo`, feeding `input`, and return its stdout bytes; a failure becomes a CliError with git's own words. */
export function runGit(repo: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["-C", repo, ...args], {
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (cause) => reject(new CliError(`cannot run git: ${cause.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new CliError(
            `git ${args[0]} failed in ${repo}: ${Buffer.concat(err).toString("utf8").trim().split("\n")[0]}`,
          ),
        );
    });
    if (child.stdin) {
      child.stdin.on("error", () => undefined); // git may exit before reading; its exit code tells
      child.stdin.end(input);
    }
  });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder("utf-8");

/** A git path as text, and whether its raw bytes were valid UTF-8. */
export function decodePath(raw: Buffer): { path: string; badPathEncoding: boolean } {
  try {
    return { path: strictUtf8.decode(raw), badPathEncoding: false };
  } catch {
    return { path: lossyUtf8.decode(raw), badPathEncoding: true };
  }
}

export function splitNul(buffer: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buffer.length; i++) {
    if (buffer[i] === 0) {
      parts.push(buffer.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < buffer.length) parts.push(buffer.subarray(start));
  return parts;
}
