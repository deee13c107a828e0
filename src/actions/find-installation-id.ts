import type { GitHubClient, RepoRef } from "../github/github-client.js";

/**
 * The kaws app's installation on the repository the workflow runs in, asked with the app's own JWT
 * (`GET /repos/{owner}/{repo}/installation`). A payload's `installation`, when GitHub Actions
 * writes one at all, is never taken: the event was delivered to the workflow, not to this app, and
 * the token must be this app's for this very repository. One call per run.
 */
export async function findInstallationId(appOctokit: GitHubClient, repo: RepoRef): Promise<number> {
  const { data } = await appOctokit.request("GET /repos/{owner}/{repo}/installation", { ...repo });
  return data.id;
}
