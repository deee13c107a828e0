import type { GitHubClient, RepoRef } from "./github-client.js";
import { withRefLock, type RefLockTimings } from "./ref-lock.js";

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
 * there, so the commit goes in the `ref` input. Replicas dispatching the same cluster and commit at
 * once take turns on a lock ref and read the statuses again under it, so one dispatches; the
 * common answer, "already dispatched", takes no lock.
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
  locks?: RefLockTimings,
): Promise<DispatchResult> {
  const seen = await latestProvisionState(octokit, repo, input);
  if (seen !== undefined && !wantsDispatch(seen, input)) return { kind: "already", state: seen };
  return withRefLock(
    octokit,
    repo,
    // the commit is the default branch's, never a fork's: the lock ref may point at it
    { name: `provision-${input.cluster}-${input.sha}`, sha: input.sha },
    async () => {
      const latest = await latestProvisionState(octokit, repo, input);
      if (latest !== undefined && !wantsDispatch(latest, input)) return { kind: "already", state: latest };
      return dispatchNow(octokit, repo, input, latest);
    },
    locks,
  );
}

/** The latest word on this cluster and commit, from the bot or from the workflow (GitHub lists newest first). */
async function latestProvisionState(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { cluster: string; sha: string },
): Promise<string | undefined> {
  const { data: statuses } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
    ...repo,
    ref: input.sha,
    per_page: 100,
  });
  return statuses.find((status) => status.context === CONTEXT(input.cluster))?.state;
}

/** Never dispatched, or its dispatch failed, or a person asks again after a failed run. */
function wantsDispatch(latest: string | undefined, input: { retryFailed?: boolean }): boolean {
  return latest === undefined || latest === "error" || (latest === "failure" && input.retryFailed === true);
}

async function dispatchNow(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { workflow: string; defaultBranch: string; cluster: string; sha: string; targetUrl?: string },
  latest: string | undefined,
): Promise<DispatchResult> {
  // The status first: a crash between the two writes never dispatches twice (at worst a
  // "pending" whose run never started; the Actions page starts it by hand).
  await setProvisionStatus(octokit, repo, input, "pending", `provisioning ${input.cluster} dispatched`);
  try {
    await octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      ...repo,
      workflow_id: input.workflow,
      ref: input.defaultBranch,
      inputs: { cluster: input.cluster, ref: input.sha },
    });
    return { kind: "dispatched", previous: latest };
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
    return { kind: "failed", reason };
  }
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
