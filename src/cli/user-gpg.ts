import { spawn } from "node:child_process";
import { CliError } from "./cli-error.js";

/**
 * The user's own gpg (their GNUPGHOME, agent, smartcard): kaws never asks for a secret key file.
 * Output stays in memory; gpg's own messages are passed on to the person on failure.
 */
export function runUserGpg(args: string[], input?: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // no --batch: the agent may ask for a passphrase or a smartcard PIN through pinentry
    const child = spawn("gpg", ["--yes", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (cause) => reject(new CliError(`cannot run gpg: ${cause.message} (install GnuPG)`)));
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new CliError(
            `gpg ${args
              .filter((a) => !a.startsWith("/"))
              .slice(0, 3)
              .join(
                " ",
              )} failed: ${Buffer.concat(err).toString("utf8").trim().split("\n").slice(-2).join(" ")}`,
            1,
          ),
        );
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}
