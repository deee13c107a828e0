import { CHECK_NAME } from "./publish-check-run.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** One `kaws` check run this app wrote on a commit. */
export interface OwnCheckRun {
  readonly id: number;
  readonly externalId: string;
  /** GitHub's own time: the bot never sends `started_at`, so GitHub sets it at creation (null: unknown). */
  readonly startedAt: Date | null;
  readonly summary: string;
}

/**
 * Every `kaws` check run on a commit written by this app (its app id), oldest first. Check runs of
 * any other app or workflow, even with the same name and a look-alike external id, are not ours.
 */
export async function listOwnCheckRuns(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  appId: number,
): Promise<OwnCheckRun[]> {
  const runs = await octokit.paginate("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    ...repo,
    ref: sha,
    check_name: CHECK_NAME,
    app_id: appId,
    filter: "all",
    per_page: 100,
  });
  return runs
    .filter((run) => run.app?.id === appId && run.head_sha === sha)
    .map((run) => ({
      id: run.id,
      externalId: run.external_id ?? "",
      startedAt: run.started_at ? new Date(run.started_at) : null,
      summary: run.output?.summary ?? "",
    }))
    .sort((a, b) => a.id - b.id);
}
