import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { readGitTree } from "../../src/cli/read-git-tree.js";
import { readWorkingTree } from "../../src/cli/read-working-tree.js";
import { commitFiles } from "../helpers/build-repo.js";
import { run } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { repo } = useRepo();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "kaws-odd-"));
  dirs.push(dir);
  return dir;
}

/** `kaws` in process: exit code, and what it printed. */
async function kaws(args: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
    now: repo().now,
  });
  return { status, stdout, stderr };
}

it("exits 2, saying so, on a folder that is not a git repository", async () => {
  const dir = folder();
  writeFileSync(join(dir, "notes.txt"), "hello\n");
  const result = await kaws(["verify", "--repo", dir, "--json"]);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(`${dir} is not a git repository`);
});

it("lists a FIFO and a socket in the checkout as findings, without opening them (no hang)", async () => {
  const dir = folder();
  commitFiles(dir, repo().files);
  // a tracked CSR replaced on disk by a FIFO, and a socket beside it
  const fifo = join(dir, "clusters/prod/admins/alice.csr");
  unlinkSync(fifo);
  run("mkfifo", [fifo]);
  const socketPath = join(dir, "clusters/prod/admins/bob.csr");
  unlinkSync(socketPath);
  const socket = createServer().listen(socketPath);
  await new Promise((resolve) => socket.once("listening", resolve));
  try {
    const result = await kaws(["verify", "--repo", dir, "--json"]);
    expect(result.status).toBe(1);
    const { findings } = JSON.parse(result.stdout) as {
      findings: { rule: string; path: string; message: string }[];
    };
    for (const path of ["clusters/prod/admins/alice.csr", "clusters/prod/admins/bob.csr"])
      expect(findings).toContainEqual(
        expect.objectContaining({
          rule: "tree.file-mode",
          path,
          message: expect.stringContaining("a socket, FIFO or device"),
        }),
      );
  } finally {
    socket.close();
  }
});

it("reads a checkout of 2,000 files with only 256 file descriptors", () => {
  const dir = folder();
  const many: Record<string, string> = {};
  for (let i = 0; i < 2000; i++) many[`docs/notes/${i}.txt`] = `note ${i}\n`;
  mkdirSync(join(dir, "docs"), { recursive: true });
  commitFiles(dir, { ...repo().files, ...many });
  const bin = fileURLToPath(new URL("../../bin/kaws.js", import.meta.url));
  const result = spawnSync(
    "bash",
    ["-c", `ulimit -n 256 && exec "${process.execPath}" "${bin}" verify --json`],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );
  expect(result.stderr).not.toContain("EMFILE");
  expect(JSON.parse(result.stdout)).toMatchObject({ ok: expect.any(Boolean) });
  expect(result.status).toBeLessThan(2);
});

it.each([
  ["--ref HEAD", true],
  ["the checkout", false],
])(
  "keeps only managed files in memory when reading %s, and still finds a private key in any other",
  async (_how, atRef) => {
    const dir = folder();
    const key = run("openssl", ["genpkey", "-algorithm", "ed25519"]).toString();
    commitFiles(dir, {
      ...repo().files,
      "docs/big.bin": Buffer.alloc(4 * 1024 * 1024, "generated "),
      "deploy/notes.txt": `the old way:\n${key}`,
    });
    const tree = atRef ? await readGitTree(dir, "HEAD") : await readWorkingTree(dir);
    const big = tree.get("docs/big.bin")!;
    expect(big.size).toBe(4 * 1024 * 1024);
    expect(big.bytes).toBeUndefined(); // scanned as it went by, not held
    expect(tree.get("pubkeys/alice.asc")!.bytes).toBeDefined(); // what the rules read is kept
    const result = await kaws(
      atRef ? ["verify", "--repo", dir, "--ref", "HEAD", "--json"] : ["verify", "--repo", dir, "--json"],
    );
    const findings = JSON.parse(result.stdout).findings as { rule: string; path: string }[];
    expect(findings).toContainEqual(
      expect.objectContaining({ rule: "secret.private-key", path: "deploy/notes.txt" }),
    );
    expect(result.status).toBe(1);
  },
);
