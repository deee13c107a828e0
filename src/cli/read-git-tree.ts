import { spawn } from "node:child_process";
import { findSecretMaterial, type SecretBlock } from "../core/openpgp/find-secret-material.js";
import { isManagedPath } from "../core/tree/classify-path.js";
import { createRepoTree, GIT_MODE, type RepoTree, type TreeEntry } from "../core/tree/repo-tree.js";
import { CliError } from "./cli-error.js";
import { decodePath, runGit, splitNul } from "./run-git.js";

/** Blobs larger than this are listed (mode, size) but not read: no managed file may be that big. */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

/**
 * The tree of a commit in a local repository (`git ls-tree` + one streamed `git cat-file --batch`):
 * every blob's path, mode and size; the bytes of managed files; the private keys in any other.
 */
export async function readGitTree(repo: string, ref: string): Promise<RepoTree> {
  if (ref.startsWith("-")) throw new CliError(`"${ref}" is not a git ref`);
  let commit: string;
  try {
    commit = (await runGit(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]))
      .toString("utf8")
      .trim();
  } catch {
    throw new CliError(`cannot read ${ref} in ${repo}: not a git repository, or no such commit`);
  }
  const listing = await runGit(repo, ["ls-tree", "-r", "-z", "-l", "--full-tree", commit]);
  const rows: { path: string; badPathEncoding: boolean; mode: string; oid: string; size: number }[] = [];
  for (const record of splitNul(listing)) {
    const tab = record.indexOf(0x09);
    const [mode, , oid, size] = record.subarray(0, tab).toString("utf8").split(/ +/) as [
      string,
      string,
      string,
      string,
    ];
    rows.push({ ...decodePath(record.subarray(tab + 1)), mode, oid, size: size === "-" ? 0 : Number(size) });
  }
  const wanted = rows.filter((row) => row.mode !== GIT_MODE.submodule && row.size <= MAX_READ_BYTES);
  // Only managed files are kept; any other file is scanned for private keys as it streams by and
  // let go: memory stays that of the managed files, whatever else the repository holds.
  const kept = new Set(wanted.filter((row) => isManagedPath(row.path)).map((row) => row.oid));
  const blobs = new Map<string, Uint8Array>();
  const scanned = new Map<string, SecretBlock[]>();
  await streamBlobs(
    repo,
    wanted.map((row) => row.oid),
    (oid, bytes) => {
      if (kept.has(oid)) blobs.set(oid, Uint8Array.from(bytes));
      else scanned.set(oid, findSecretMaterial(bytes));
    },
  );
  const entries: TreeEntry[] = rows.map((row) => ({
    path: row.path,
    mode: row.mode,
    size: row.size,
    oid: row.oid,
    bytes: isManagedPath(row.path) ? blobs.get(row.oid) : undefined,
    secrets: isManagedPath(row.path) ? undefined : scanned.get(row.oid),
    badPathEncoding: row.badPathEncoding || undefined,
  }));
  return createRepoTree(entries);
}

/**
 * Every blob's bytes, one at a time, from one `git cat-file --batch`: its output is parsed as it
 * arrives, so only the blob being read is held (each at most MAX_READ_BYTES).
 */
export function streamBlobs(
  repo: string,
  oids: string[],
  onBlob: (oid: string, bytes: Buffer) => void,
): Promise<void> {
  const unique = [...new Set(oids)];
  if (unique.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["-C", repo, "cat-file", "--batch"], { stdio: ["pipe", "pipe", "pipe"] });
    // the output so far, not yet parsed: joined once per blob (never per chunk: an 8 MiB blob
    // arrives in a hundred chunks)
    let chunks: Buffer[] = [];
    let length = 0;
    let current: { oid: string; start: number; size: number } | undefined;
    let next = 0;
    let failure: Error | undefined;
    const fail = (error: Error) => {
      failure ??= error;
      child.kill();
    };
    const joined = () => {
      if (chunks.length > 1) chunks = [Buffer.concat(chunks, length)];
      return chunks[0] ?? Buffer.alloc(0);
    };
    child.stdout.on("data", (chunk: Buffer) => {
      if (failure) return;
      chunks.push(chunk);
      length += chunk.length;
      for (;;) {
        if (current === undefined) {
          const buffered = joined();
          const newline = buffered.indexOf(0x0a);
          if (newline === -1) return;
          const [oid, type, sizeText] = buffered.subarray(0, newline).toString("utf8").split(" ");
          const size = Number(sizeText);
          const expected = unique[next];
          if (
            expected === undefined ||
            oid !== expected ||
            type !== "blob" ||
            !Number.isSafeInteger(size) ||
            size > MAX_READ_BYTES
          ) {
            fail(new CliError(`git cat-file returned an unexpected object for ${expected ?? "nothing"}`));
            return;
          }
          current = { oid: expected, start: newline + 1, size };
        }
        const blob = current;
        const end = blob.start + blob.size;
        if (length < end + 1) return; // the rest of this blob is still coming
        const buffered = joined();
        onBlob(blob.oid, buffered.subarray(blob.start, end));
        const rest = buffered.subarray(end + 1);
        chunks = rest.length > 0 ? [rest] : [];
        length = rest.length;
        current = undefined;
        next++;
      }
    });
    const err: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (cause) => fail(new CliError(`cannot run git: ${cause.message}`)));
    child.on("close", (code) => {
      if (failure) reject(failure);
      else if (code !== 0)
        reject(new CliError(`git cat-file failed in ${repo}: ${Buffer.concat(err).toString("utf8").trim()}`));
      else if (next !== unique.length)
        reject(new CliError(`git cat-file stopped after ${next} of ${unique.length} blobs`));
      else resolve();
    });
    child.stdin.on("error", () => undefined); // git may exit before reading; its exit code tells
    child.stdin.end(unique.join("\n") + "\n");
  });
}
