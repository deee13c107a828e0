import type { GitHubClient, RepoRef } from "./github-client.js";

/** GitHub's own user for commits made in its web interface: not a person who pushed. */
const WEB_FLOW = "web-flow";

/**
 * The GitHub users linked to the authors and committers of a pull request's commits (at most the
 * 250 GitHub lists). At merge they never approve, whether or not the bot saw their push: a
 * maintainer who wrote commits of a change does not approve it. (A writer can put another name on a
 * commit; the `synchronize` sender the bot records is the stronger signal, this one catches the
 * pushes the bot never saw.)
 */
export async function fetchPullRequestCommitters(
  octokit: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
): Promise<string[]> {
  const commits = await octokit.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", {
    ...repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  const logins = new Set<string>();
  for (const commit of commits)
    for (const user of [commit.author, commit.committer])
      if (user?.login && user.login !== WEB_FLOW) logins.add(user.login.toLowerCase());
  return [...logins].sort();
}
