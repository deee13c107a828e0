import { streamBlobs } from "./read-git-tree.js";
import { CliError } from "./cli-error.js";
import { runGit } from "./run-git.js";

/**
 * The bytes of git objects named by blob id or `<commit>:<path>`, in two git processes whatever
 * their number: `cat-file --batch-check` says what each name is, then one streamed `--batch`
 * reads the blobs of at most `maxBytes` (a bigger one cannot be the small file asked for, and is
 * left out rather than held in memory). A name that is missing, or not a blob, is left out too.
 */
export async function readSmallBlobs(
  repo: string,
  names: readonly string[],
  maxBytes: number,
): Promise<Map<string, Uint8Array>> {
  const unique = [...new Set(names)];
  const found = new Map<string, Uint8Array>();
  if (unique.length === 0) return found;
  for (const name of unique)
    if (/[\n\r]/.test(name) || name.startsWith("-")) throw new CliError(`cannot ask git for "${name}"`);
  const answer = (await runGit(repo, ["cat-file", "--batch-check"], unique.join("\n") + "\n"))
    .toString("utf8")
    .split("\n");
  const oidOf = new Map<string, string>();
  unique.forEach((name, index) => {
    const [oid = "", type, size] = (answer[index] ?? "").split(" ");
    if (type === "blob" && /^[0-9a-f]{40,64}$/.test(oid) && Number(size) <= maxBytes) oidOf.set(name, oid);
  });
  const bytesOf = new Map<string, Uint8Array>();
  await streamBlobs(repo, [...oidOf.values()], (oid, bytes) => bytesOf.set(oid, Uint8Array.from(bytes)));
  for (const [name, oid] of oidOf) found.set(name, bytesOf.get(oid)!);
  return found;
}
