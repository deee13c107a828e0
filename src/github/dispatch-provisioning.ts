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
    /**
     * A person asked again: a run the workflow reported as failed, or a dispatch of this app the
     * workflow never answered (no run reported "running": the bot may have died between its status
     * and the dispatch), is dispatched once more.
     */
    retryFailed?: boolean;
    /** This app's login and the time: only its own "dispatched" status, old enough, counts as unanswered. */
    botLogin?: string;
    now?: Date;
  },
  locks?: RefLockTimings,
): Promise<DispatchResult> {
  const seen = await latestProvisionState(octokit, repo, input);
  if (seen !== undefined && !wantsDispatch(seen, input)) return { kind: "already", state: seen.state };
  return withRefLock(
    octokit,
    repo,
    // the commit is the default branch's, never a fork's: the lock ref may point at it
    { name: `provision-${input.cluster}-${input.sha}`, sha: input.sha },
    async () => {
      const latest = await latestProvisionState(octokit, repo, input);
      if (latest !== undefined && !wantsDispatch(latest, input))
        return { kind: "already", state: latest.state };
      return dispatchNow(octokit, repo, input, latest?.unanswered ? "unanswered" : latest?.state);
    },
    locks,
  );
}

interface ProvisionState {
  readonly state: string;
  /** This app's own "dispatched", with no word from the workflow since. */
  readonly unanswered: boolean;
}

/** The latest word on this cluster and commit, from the bot or from the workflow (GitHub lists newest first). */
async function latestProvisionState(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { cluster: string; sha: string; botLogin?: string; now?: Date },
): Promise<ProvisionState | undefined> {
  const { data: statuses } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
    ...repo,
    ref: input.sha,
    per_page: 100,
  });
  const latest = statuses.find((status) => status.context === CONTEXT(input.cluster));
  if (latest === undefined) return undefined;
  const unanswered =
    latest.state === "pending" &&
    latest.description === dispatchedText(input.cluster) &&
    input.botLogin !== undefined &&
    latest.creator?.login === input.botLogin &&
    input.now !== undefined &&
    input.now.getTime() - Date.parse(latest.created_at) > UNANSWERED_AFTER_MS;
  return { state: latest.state, unanswered };
}

/**
 * A dispatched run says "running" within a minute or two; one silent this long never started (its
 * run is queued behind the cluster's other runs at worst, and provisioning is safe to run again).
 */
const UNANSWERED_AFTER_MS = 15 * 60_000;

const dispatchedText = (cluster: string) => `provisioning ${cluster} dispatched`;

/** Never dispatched, or its dispatch failed, or a person asks again after a failed or unanswered run. */
function wantsDispatch(latest: ProvisionState | undefined, input: { retryFailed?: boolean }): boolean {
  if (latest === undefined || latest.state === "error") return true;
  return input.retryFailed === true && (latest.state === "failure" || latest.unanswered);
}

async function dispatchNow(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { workflow: string; defaultBranch: string; cluster: string; sha: string; targetUrl?: string },
  latest: string | undefined,
): Promise<DispatchResult> {
  // The status first: a crash between the two writes never dispatches twice (at worst a
  // "pending" whose run never started: `/kaws provision <cluster>` dispatches it again).
  await setProvisionStatus(octokit, repo, input, "pending", dispatchedText(input.cluster));
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
