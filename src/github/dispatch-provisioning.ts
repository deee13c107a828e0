import type { GitHubClient, RepoRef } from "./github-client.js";

export type DispatchResult =
  /** `previous`: the status a failed earlier dispatch or run left, if any. */
  | { kind: "dispatched"; previous?: string }
  /** Dispatched before for this commit: `state` is the status the dispatch or the workflow left. */
  | { kind: "already"; state: string }
  | { kind: "failed"; reason: string };

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
  input: {
    workflow: string;
    defaultBranch: string;
    cluster: string;
    sha: string;
    targetUrl?: string;
    /** A person asked again: a run the workflow reported as failed is dispatched once more. */
    retryFailed?: boolean;
  },
): Promise<DispatchResult> {
  // newest first: the latest word on this cluster and commit, from the bot or from the workflow
  const { data: statuses } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
    ...repo,
    ref: input.sha,
    per_page: 100,
  });
  const latest = statuses.find((status) => status.context === CONTEXT(input.cluster))?.state;
  const retry =
    latest === undefined || latest === "error" || (latest === "failure" && input.retryFailed === true);
  if (!retry) return { kind: "already", state: latest };
  // The status first: a replica or a crash between the two writes never dispatches twice (at
  // worst a "pending" whose run never started; the Actions page starts it by hand).
  await setProvisionStatus(octokit, repo, input, "pending", `provisioning ${input.cluster} dispatched`);
  let result: DispatchResult;
  try {
    await octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      ...repo,
      workflow_id: input.workflow,
      ref: input.defaultBranch,
      inputs: { cluster: input.cluster, ref: input.sha },
    });
    result = { kind: "dispatched", previous: latest };
  } catch (cause) {
    const status = (cause as { status?: number }).status;
    const reason =
      status === 404
        ? `.github/workflows/${input.workflow} is missing on ${input.defaultBranch} (or has no workflow_dispatch trigger)`
        : status === 422
          ? `GitHub refused the dispatch: ${(cause as Error).message}`
          : `the dispatch failed: ${(cause as Error).message}`;
    await setProvisionStatus(octokit, repo, input, "error", reason);
    if (status !== 404 && status !== 422) throw cause;
    result = { kind: "failed", reason };
  }
  return result;
}

async function setProvisionStatus(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { cluster: string; sha: string; targetUrl?: string },
  state: "pending" | "error",
  description: string,
): Promise<void> {
  await octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
    ...repo,
    sha: input.sha,
    context: CONTEXT(input.cluster),
    state,
    description: description.slice(0, 140),
    target_url: input.targetUrl,
  });
}
