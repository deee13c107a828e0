import { lstat, readdir, readFile } from "node:fs/promises";
import { createRepoTree, GIT_MODE, type RepoTree, type TreeEntry } from "../core/tree/repo-tree.js";
import { CliError } from "./cli-error.js";
import { MAX_READ_BYTES } from "./read-git-tree.js";
import { decodePath, runGit, splitNul } from "./run-git.js";

/**
 * The files of a checkout as they are on disk: git's tracked files plus untracked ones it does not
 * ignore (outside git, every file but .git and node_modules). Modes come from the disk, so a
 * symlink or an executable bit not yet committed is seen.
 */
export async function readWorkingTree(repo: string): Promise<RepoTree> {
  try {
    const info = await lstat(repo);
    if (!info.isDirectory()) throw new Error("not a directory");
  } catch {
    throw new CliError(`cannot read ${repo}: not a directory`);
  }
  const paths = await listPaths(repo);
  const entries = await Promise.all(paths.map((raw) => readEntry(repo, raw)));
  return createRepoTree(entries.filter((entry): entry is TreeEntry => entry !== null));
}

async function listPaths(repo: string): Promise<Buffer[]> {
  let inside: boolean;
  try {
    inside = (await runGit(repo, ["rev-parse", "--is-inside-work-tree"])).toString().trim() === "true";
  } catch {
    inside = false;
  }
  if (!inside) return walk(repo, "");
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

async function walk(root: string, prefix: string): Promise<Buffer[]> {
  const folder =
    prefix === ""
      ? Buffer.from(root)
      : Buffer.concat([Buffer.from(`${root}/`), Buffer.from(prefix, "latin1")]);
  const names = await readdir(folder, { withFileTypes: true, encoding: "buffer" });
  const paths: Buffer[] = [];
  for (const entry of names) {
    const name = entry.name.toString("latin1");
    if (name === ".git" || name === "node_modules") continue;
    const path = prefix === "" ? name : `${prefix}/${name}`;
    if (entry.isDirectory()) paths.push(...(await walk(root, path)));
    else paths.push(Buffer.from(path, "latin1"));
  }
  return paths;
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
  const mode = info.mode & 0o111 ? GIT_MODE.executable : GIT_MODE.file;
  const bytes = info.size <= MAX_READ_BYTES ? new Uint8Array(await readFile(full)) : undefined;
  return { path, mode, size: info.size, bytes, badPathEncoding: flag };
}
