import type { CertificateWrite, HistoryCommit } from "../core/audit/audit-certificate-history.js";
import { CliError } from "./cli-error.js";
import { decodePath, runGit, splitNul } from "./run-git.js";

const COMMIT_MARK = "\u0001";
const PARENTS_MARK = "\u0002";
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const ADMIN_CERT = /^clusters\/[^/]+\/admins\/[^/]+\.pem$/;
const CLUSTER_CA = /^clusters\/([^/]+)\/ca\.pem$/;

/**
 * Every commit reachable from `commit` (all parents, not only the first) that wrote an admin
 * certificate (`clusters/<c>/admins/<login>.pem`, added or changed) or a cluster's `ca.pem`,
 * parents before children, from ONE `git log --raw`, whatever the history's length. Merges are
 * diffed against all their parents (`--diff-merges=c`): a blob a merge itself brings, unlike any
 * parent's, is listed for the merge; what a branch brought is listed for the branch's commit.
 * Commit messages are not read here (a message could forge a record): see `readCommitMessages`.
 */
export async function readCertificateHistory(repo: string, commit: string): Promise<HistoryCommit[]> {
  const output = await runGit(repo, [
    "log",
    "-z",
    "--topo-order",
    "--reverse",
    "--full-history",
    "--root",
    "--no-renames",
    "--raw",
    "--no-abbrev",
    "--diff-merges=c",
    `--format=${COMMIT_MARK}%H${PARENTS_MARK}%P`,
    commit,
    "--",
    "clusters/",
  ]);
  const commits: { sha: string; parents: string[]; writes: CertificateWrite[]; caChanged: string[] }[] = [];
  const tokens = splitNul(output);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.toString("utf8").replace(/^\n/, "");
    if (token === "") continue;
    if (token.startsWith(COMMIT_MARK)) {
      const [sha = "", parents = ""] = token.slice(1).split(PARENTS_MARK);
      if (!SHA.test(sha)) throw new CliError(`git log returned an unexpected record in ${repo}`);
      commits.push({ sha, parents: parents.split(" ").filter(Boolean), writes: [], caChanged: [] });
      continue;
    }
    const current = commits.at(-1);
    const raw = tokens[++i];
    if (current === undefined || !token.startsWith(":") || raw === undefined)
      throw new CliError(`git log returned an unexpected record in ${repo}`);
    recordChange(current, parseRawChange(token), decodePath(raw).path);
  }
  return commits.filter((c) => c.writes.length > 0 || c.caChanged.length > 0);
}

interface RawChange {
  readonly mode: string;
  readonly blob: string;
  /** The single parent's blob, for a commit with one parent. */
  readonly previousBlob: string | null;
}

/** `:old new oldblob newblob S` or, for a merge of n parents, n+1 modes, n+1 blobs and n letters. */
function parseRawChange(meta: string): RawChange {
  const parents = /^:+/.exec(meta)![0].length;
  const fields = meta.slice(parents).split(" ");
  if (fields.length !== 2 * (parents + 1) + 1)
    throw new CliError(`git log returned an unexpected change record: ${meta.slice(0, 80)}`);
  const mode = fields[parents]!;
  const blob = fields[2 * parents + 1]!;
  const previous = parents === 1 ? fields[parents + 1]! : null;
  return { mode, blob, previousBlob: previous === null || /^0+$/.test(previous) ? null : previous };
}

function recordChange(
  commit: { writes: CertificateWrite[]; caChanged: string[] },
  change: RawChange,
  path: string,
): void {
  if (change.mode === "000000") return; // removed: it wrote nothing
  if (ADMIN_CERT.test(path))
    commit.writes.push({ path, blob: change.blob, previousBlob: change.previousBlob });
  const ca = CLUSTER_CA.exec(path);
  if (ca !== null) commit.caChanged.push(ca[1]!);
}
