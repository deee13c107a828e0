import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

/** `kaws ARGS` in this process: its exit code and what it printed. */
async function kaws(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
  });
  return { code, stdout, stderr };
}

it("prints one command's usage for `--help` anywhere on its line, and runs nothing", async () => {
  const verify = await kaws(["verify", "--repo", "/nonexistent", "--help"]);
  expect(verify).toEqual({
    code: 0,
    stdout:
      "Usage:\n  kaws verify [--repo DIR] [--ref REF] [--json]\n      Check every invariant on a checkout (or on commit REF). Exit 1 on any error finding.\n\nRun `kaws help` for every command and the exit codes.\n",
    stderr: "",
  });
  const sign = await kaws(["admin", "sign", "-h"]);
  expect(sign.stdout).toContain("kaws admin sign --cluster C --login L");
  expect(sign.stdout).not.toContain("kaws admin request");
  // `kaws admin --help` no longer asks for --cluster: it lists the admin commands
  const admin = await kaws(["admin", "--help"]);
  expect(admin.code).toBe(0);
  expect(admin.stdout).toContain("kaws admin request");
  expect(admin.stdout).toContain("kaws admin install");
});

it("says an unknown command is unknown, even with --help", async () => {
  expect(await kaws(["frobnicate", "--help"])).toEqual({
    code: 2,
    stdout: "",
    stderr: 'kaws: unknown command "frobnicate": run `kaws help`\n',
  });
});

it("prints the package's version", async () => {
  const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  expect(await kaws(["--version"])).toEqual({ code: 0, stdout: `kaws ${version}\n`, stderr: "" });
});
