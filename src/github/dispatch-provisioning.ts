import type { GitHubClient, RepoRef } from "./github-client.js";

export type DispatchResult =
  { kind: "dispatched" } | { kind: "already" } | { kind: "failed"; reason: string };

const CONTEXT = (cluster: string) => `kaws/provision/${cluster}`;

/**
 * Start the provisioning workflow for one cluster at one exact commit, once: a commit status
 * `kaws/provision/<cluster>` on that commit records the dispatch (it survives restarts and says the
 * result where people look). The dispatch's own ref is the default branch: GitHub refuses a SHA
 * there, so the commit goes in the `ref` input.
 */
export async function dispatchProvisioning(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { workflow: string; defaultBranch: string; cluster: string; sha: string; targetUrl?: string },
): Promise<DispatchResult> {
  const { data: statuses } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
    ...repo,
    ref: input.sha,
    per_page: 100,
  });
  if (statuses.some((status) => status.context === CONTEXT(input.cluster) && status.state !== "error"))
    return { kind: "already" };
  let result: DispatchResult;
  try {
    await octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      ...repo,
      workflow_id: input.workflow,
      ref: input.defaultBranch,
      inputs: { cluster: input.cluster, ref: input.sha },
    });
    result = { kind: "dispatched" };
  } catch (cause) {
    const status = (cause as { status?: number }).status;
    if (status !== 404 && status !== 422) throw cause;
    result = {
      kind: "failed",
      reason:
        status === 404
          ? `.github/workflows/${input.workflow} is missing on ${input.defaultBranch} (or has no workflow_dispatch trigger)`
          : `GitHub refused the dispatch: ${(cause as Error).message}`,
    };
  }
  await octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
    ...repo,
    sha: input.sha,
    context: CONTEXT(input.cluster),
    state: result.kind === "dispatched" ? "pending" : "error",
    description: (result.kind === "dispatched"
      ? `provisioning ${input.cluster} dispatched`
      : result.reason
    ).slice(0, 140),
    target_url: input.targetUrl,
  });
  return result;
}
