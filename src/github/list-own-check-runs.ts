import { CHECK_NAME, externalIdPrefix } from "./publish-check-run.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import type { OwnCheckRun } from "./own-check-run.js";

/**
 * Every `kaws` check run this app (its app id) wrote on a commit for one pull request (its number
 * in the external id, which only the app writes), oldest first. Check runs of any other app or
 * workflow, even with the same name and a look-alike external id, and the app's runs written for
 * another pull request with the same commit, are not this pull request's.
 */
export async function listOwnCheckRuns(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  appId: number,
  pullNumber: number,
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
    .filter(
      (run) =>
        run.app?.id === appId &&
        run.head_sha === sha &&
        (run.external_id ?? "").startsWith(externalIdPrefix(pullNumber)),
    )
    .map((run) => ({
      id: run.id,
      externalId: run.external_id ?? "",
      startedAt: run.started_at ? new Date(run.started_at) : null,
      summary: run.output?.summary ?? "",
    }))
    .sort((a, b) => a.id - b.id);
}

/** The runs begun after the last force-push: only those say the bot reported this head as it is now. */
export function runsAfterHeadBreak(runs: readonly OwnCheckRun[], headBreak: Date | null): OwnCheckRun[] {
  return runs.filter((run) => headBreak === null || (run.startedAt?.getTime() ?? 0) > headBreak.getTime());
}
