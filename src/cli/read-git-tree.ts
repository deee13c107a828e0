import { createRepoTree, GIT_MODE, type RepoTree, type TreeEntry } from "../core/tree/repo-tree.js";
import { CliError } from "./cli-error.js";
import { decodePath, runGit, splitNul } from "./run-git.js";

/** Blobs larger than this are listed (mode, size) but not read: no managed file may be that big. */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

/** The tree of a commit in a local repository: every blob's path, mode and bytes (`git ls-tree` + one `git cat-file --batch`). */
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
  const blobs = await readBlobs(
    repo,
    wanted.map((row) => row.oid),
  );
  const entries: TreeEntry[] = rows.map((row) => ({
    path: row.path,
    mode: row.mode,
    size: row.size,
    oid: row.oid,
    bytes: blobs.get(row.oid),
    badPathEncoding: row.badPathEncoding || undefined,
  }));
  return createRepoTree(entries);
}

async function readBlobs(repo: string, oids: string[]): Promise<Map<string, Uint8Array>> {
  const unique = [...new Set(oids)];
  const blobs = new Map<string, Uint8Array>();
  if (unique.length === 0) return blobs;
  const output = await runGit(repo, ["cat-file", "--batch"], unique.join("\n") + "\n");
  let offset = 0;
  for (const oid of unique) {
    const newline = output.indexOf(0x0a, offset);
    const header = output.subarray(offset, newline).toString("utf8").split(" ");
    if (header[0] !== oid || header[1] !== "blob")
      throw new CliError(`git cat-file returned an unexpected object for ${oid}`);
    const size = Number(header[2]);
    blobs.set(oid, new Uint8Array(output.subarray(newline + 1, newline + 1 + size)));
    offset = newline + 1 + size + 1;
  }
  return blobs;
}
