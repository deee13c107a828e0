import type { GitHubClient, RepoRef } from "./github-client.js";

export interface Proposal {
  readonly number: number;
  readonly url: string;
  readonly created: boolean;
}

/**
 * The bot's one pull request for one of its own branches: the branch is set to `sha` (made, or
 * moved when it exists), and the open pull request from it is updated in place, or opened when
 * there is none. Every refused reconcile, or every `/kaws rotate` of a cluster, lands in the same
 * pull request instead of a new one each time.
 */
export async function proposeOnBranch(
  octokit: GitHubClient,
  repo: RepoRef,
  proposal: {
    base: string;
    branch: string;
    sha: string;
    title: string;
    body: string;
    botLogin: string;
    /**
     * The proposal already there does the same work when its commit has this parent and message
     * (a reconcile made again, an hour later, from the same head): it is left as it is, so its
     * review and approvals stand.
     */
    sameWork?: { parent: string; message: string };
  },
): Promise<Proposal> {
  const existing = await branchCommit(octokit, repo, proposal.branch);
  const same =
    existing !== null &&
    proposal.sameWork !== undefined &&
    existing.parents.length === 1 &&
    existing.parents[0] === proposal.sameWork.parent &&
    existing.message === proposal.sameWork.message;
  if (!same) await setBranch(octokit, repo, proposal.branch, proposal.sha, existing !== null);
  const open = await openPullFrom(octokit, repo, proposal.branch, proposal.base);
  if (open !== undefined) {
    if (same) return { number: open.number, url: open.html_url, created: false };
    // GitHub keeps one open pull request per branch and base; only the bot's own is rewritten
    if (open.user?.login === proposal.botLogin)
      await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
        ...repo,
        pull_number: open.number,
        title: proposal.title,
        body: proposal.body,
      });
    return { number: open.number, url: open.html_url, created: false };
  }
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/pulls", {
    ...repo,
    title: proposal.title,
    head: proposal.branch,
    base: proposal.base,
    body: proposal.body,
  });
  return { number: data.number, url: data.html_url, created: true };
}

/** The bot's open pull request from its branch, with the commit its branch was made on; null if none. */
export async function currentProposal(
  octokit: GitHubClient,
  repo: RepoRef,
  proposal: { base: string; branch: string; botLogin: string },
): Promise<{ number: number; url: string; parent: string | null } | null> {
  const open = await openPullFrom(octokit, repo, proposal.branch, proposal.base);
  if (open === undefined || open.user?.login !== proposal.botLogin) return null;
  const commit = await branchCommit(octokit, repo, proposal.branch);
  return { number: open.number, url: open.html_url, parent: commit?.parents[0] ?? null };
}

/**
 * Close the bot's open pull request from its branch, saying why, and delete the branch: what it
 * proposed is no longer needed. Nothing when there is none (one listing).
 */
export async function withdrawProposal(
  octokit: GitHubClient,
  repo: RepoRef,
  proposal: { base: string; branch: string; reason: string; botLogin: string },
): Promise<number | null> {
  const open = await openPullFrom(octokit, repo, proposal.branch, proposal.base);
  if (open === undefined || open.user?.login !== proposal.botLogin) return null;
  await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: open.number,
    body: proposal.reason,
  });
  await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
    ...repo,
    pull_number: open.number,
    state: "closed",
  });
  try {
    await octokit.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
      ...repo,
      ref: `heads/${proposal.branch}`,
    });
  } catch (cause) {
    if ((cause as { status?: number }).status !== 422) throw cause; // already gone
  }
  return open.number;
}

/** Make the branch point at `sha`: created, or moved (force: the branch is the bot's own proposal). */
async function setBranch(
  octokit: GitHubClient,
  repo: RepoRef,
  branch: string,
  sha: string,
  exists: boolean,
): Promise<void> {
  if (exists) {
    await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
      ...repo,
      ref: `heads/${branch}`,
      sha,
      force: true,
    });
    return;
  }
  await octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: `refs/heads/${branch}`, sha });
}

/** The commit a branch points at (its parents and message), or null when there is no such branch. */
async function branchCommit(octokit: GitHubClient, repo: RepoRef, branch: string) {
  let sha: string;
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      ...repo,
      ref: `heads/${branch}`,
    });
    sha = data.object.sha;
  } catch (cause) {
    if ((cause as { status?: number }).status === 404) return null;
    throw cause;
  }
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
    ...repo,
    commit_sha: sha,
  });
  return { sha, message: data.message, parents: data.parents.map((parent) => parent.sha) };
}

async function openPullFrom(octokit: GitHubClient, repo: RepoRef, branch: string, base: string) {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls", {
    ...repo,
    state: "open",
    head: `${repo.owner}:${branch}`,
    base,
    per_page: 10,
  });
  return data.find((pull) => pull.head.ref === branch);
}
