import type { CertificateCommit } from "../core/report/certificate-approval.js";
import { CliError } from "./cli-error.js";
import { runGit, splitNul } from "./run-git.js";

const COMMIT_MARK = "\u0001";
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * For each admin certificate (`clusters/<c>/admins/<login>.pem`) in the history of `commit`, the
 * commit that last added it, with its author and message: two git calls, whatever the history's
 * length. Merges are not diffed, so a certificate merged from a branch is credited to the commit on
 * that branch that added it (the reconciler's, when it proposed its commit in a pull request).
 */
export async function readCertificateCommits(
  repo: string,
  commit: string,
): Promise<Map<string, CertificateCommit>> {
  const listing = await runGit(repo, [
    "log",
    "-z",
    "--no-renames",
    "--diff-filter=A",
    `--format=${COMMIT_MARK}%H`,
    "--name-only",
    commit,
    "--",
    "clusters/*/admins/*.pem",
  ]);
  const addedIn = new Map<string, string>();
  let current: string | undefined;
  for (const token of splitNul(listing).map((raw) => raw.toString("utf8").replace(/^\n/, ""))) {
    if (token.startsWith(COMMIT_MARK)) current = token.slice(1);
    else if (current !== undefined && token !== "" && !addedIn.has(token)) addedIn.set(token, current);
  }
  const messages = await readCommitMessages(repo, [...new Set(addedIn.values())]);
  return new Map([...addedIn].map(([path, sha]) => [path, messages.get(sha)!]));
}

/** Author and message of each commit, from one `git log --no-walk`. */
export async function readCommitMessages(
  repo: string,
  shas: string[],
): Promise<Map<string, CertificateCommit>> {
  const found = new Map<string, CertificateCommit>();
  if (shas.length === 0) return found;
  const output = await runGit(
    repo,
    ["log", "-z", "--no-walk=unsorted", "--stdin", "--format=%H%n%an <%ae>%n%B"],
    shas.join("\n") + "\n",
  );
  for (const record of splitNul(output)) {
    const text = record.toString("utf8");
    const [sha = "", author = ""] = text.split("\n", 2);
    if (!SHA.test(sha)) throw new CliError(`git log returned an unexpected record in ${repo}`);
    found.set(sha, { commit: sha, author, message: text.slice(sha.length + author.length + 2) });
  }
  for (const sha of shas)
    if (!found.has(sha)) throw new CliError(`git log did not return commit ${sha} in ${repo}`);
  return found;
}
