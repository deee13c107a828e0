import { lstat, readFile } from "node:fs/promises";
import { findSecretMaterial } from "../core/openpgp/find-secret-material.js";
import { isManagedPath } from "../core/tree/classify-path.js";
import { createRepoTree, GIT_MODE, type RepoTree, type TreeEntry } from "../core/tree/repo-tree.js";
import { CliError } from "./cli-error.js";
import { MAX_READ_BYTES } from "./read-git-tree.js";
import { decodePath, runGit, splitNul } from "./run-git.js";

/** Files read at once: a repository of thousands of files must not run out of descriptors. */
const OPEN_AT_ONCE = 64;

/**
 * The files of a git checkout as they are on disk: git's tracked files plus untracked ones it does
 * not ignore. Modes come from the disk, so a symlink or an executable bit not yet committed is
 * seen; a socket, FIFO or device is listed (a finding when managed) but never opened.
 */
export async function readWorkingTree(repo: string): Promise<RepoTree> {
  try {
    const info = await lstat(repo);
    if (!info.isDirectory()) throw new Error("not a directory");
  } catch {
    throw new CliError(`cannot read ${repo}: not a directory`);
  }
  const paths = await listPaths(repo);
  const entries = await mapLimited(paths, OPEN_AT_ONCE, (raw) => readEntry(repo, raw));
  return createRepoTree(entries.filter((entry): entry is TreeEntry => entry !== null));
}

/** `work` on every item, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function listPaths(repo: string): Promise<Buffer[]> {
  let inside: boolean;
  try {
    inside = (await runGit(repo, ["rev-parse", "--is-inside-work-tree"])).toString().trim() === "true";
  } catch {
    inside = false;
  }
  if (!inside)
    throw new CliError(
      `${repo} is not a git repository: kaws reads a clone of the PKI repository (git clone it, or pass its folder with --repo)`,
    );
  const top = (await runGit(repo, ["rev-parse", "--show-prefix"])).toString().trim();
  if (top !== "") throw new CliError(`${repo} is inside a repository; pass its top folder with --repo`);
  const listed = await runGit(repo, [
    "ls-files",
    "-z",
    "--cached",
    "--others",
    "--exclude-standard",
    "--deduplicate",
  ]);
  return splitNul(listed);
}

async function readEntry(repo: string, raw: Buffer): Promise<TreeEntry | null> {
  const { path, badPathEncoding } = decodePath(raw);
  const full = Buffer.concat([Buffer.from(`${repo}/`), raw]); // raw bytes: names need not be UTF-8
  let info;
  try {
    info = await lstat(full);
  } catch {
    return null; // deleted in the working tree but still in the index
  }
  const flag = badPathEncoding || undefined;
  if (info.isSymbolicLink()) return { path, mode: GIT_MODE.symlink, size: info.size, badPathEncoding: flag };
  if (info.isDirectory()) return { path, mode: GIT_MODE.submodule, size: 0, badPathEncoding: flag };
  if (!info.isFile()) return { path, mode: GIT_MODE.special, size: 0, badPathEncoding: flag };
  const mode = info.mode & 0o111 ? GIT_MODE.executable : GIT_MODE.file;
  if (info.size > MAX_READ_BYTES) return { path, mode, size: info.size, badPathEncoding: flag };
  const bytes = await readFile(full);
  // only managed files are kept; any other is scanned for private keys now and let go
  if (!isManagedPath(path))
    return { path, mode, size: info.size, secrets: findSecretMaterial(bytes), badPathEncoding: flag };
  return { path, mode, size: info.size, bytes: new Uint8Array(bytes), badPathEncoding: flag };
}
