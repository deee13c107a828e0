import type { GitHubClient, RepoRef } from "./github-client.js";
import { withRefLock, type RefLockTimings } from "./ref-lock.js";

export type DispatchResult =
  /** `previous`: the status a failed earlier dispatch or run left, if any. */
  | { kind: "dispatched"; previous?: string }
  /** Dispatched before for this commit: `state` is the status the dispatch or the workflow left. */
  | { kind: "already"; state: string }
  | { kind: "failed"; reason: string };

/** The commit status that records a cluster's dispatch and its run's result. */
export const PROVISION_CONTEXT = (cluster: string) => `kaws/provision/${cluster}`;

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
    /** This app's login: only its own statuses say it dispatched (anyone can write a status). */
    botLogin: string;
    now: Date;
  },
  locks?: RefLockTimings,
): Promise<DispatchResult> {
  const decide = async (): Promise<DispatchResult | "dispatch"> => {
    const state = await provisionState(octokit, repo, input);
    return (await wantsDispatch(octokit, repo, state, input))
      ? "dispatch"
      : { kind: "already", state: state.shown };
  };
  const first = await decide();
  if (first !== "dispatch") return first;
  return withRefLock(
    octokit,
    repo,
    // the commit is the default branch's, never a fork's: the lock ref may point at it
    { name: `provision-${input.cluster}-${input.sha}`, sha: input.sha },
    async () => {
      const again = await decide();
      if (again !== "dispatch") return again;
      const state = await provisionState(octokit, repo, input);
      return dispatchNow(octokit, repo, input, state.own?.kind === "unanswered" ? "unanswered" : state.shown);
    },
    locks,
  );
}

/** What the statuses of this cluster and commit say (GitHub lists them newest first). */
interface ProvisionState {
  /** The newest word from anyone (the workflow's result included): what is shown to people. */
  readonly shown: string;
  /** The newest status this app wrote, read as what it did. */
  readonly own?: { kind: "dispatched" | "unanswered" | "refused" } | { kind: "unknown"; since: Date };
}

async function provisionState(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { cluster: string; sha: string; botLogin: string; now: Date },
): Promise<ProvisionState> {
  const { data: statuses } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
    ...repo,
    ref: input.sha,
    per_page: 100,
  });
  const mine = statuses.filter((status) => status.context === PROVISION_CONTEXT(input.cluster));
  const shown = mine[0]?.state ?? "none";
  const own = mine.find((status) => status.creator?.login === input.botLogin);
  if (own === undefined) return { shown };
  const at = new Date(own.created_at);
  if (own.state === "error") return { shown, own: { kind: "refused" } };
  if (own.description === unknownText(input.cluster)) return { shown, own: { kind: "unknown", since: at } };
  // no word from the workflow since this app's dispatch, for a quarter of an hour: it never ran
  const silent = mine[0] === own && input.now.getTime() - at.getTime() > UNANSWERED_AFTER_MS;
  return { shown, own: { kind: silent ? "unanswered" : "dispatched" } };
}

const dispatchedText = (cluster: string) => `provisioning ${cluster} dispatched`;
const unknownText = (cluster: string) => `provisioning ${cluster}: dispatch sent, GitHub's answer lost`;

/**
 * A dispatched run says "running" within a minute or two; one silent this long never started (its
 * run is queued behind the cluster's other runs at worst, and provisioning is safe to run again).
 */
const UNANSWERED_AFTER_MS = 15 * 60_000;
/** How long GitHub may take to list a run it was dispatched (it shows within seconds). */
const LISTED_WITHIN_MS = 60_000;

/**
 * Never dispatched by this app (statuses of anyone else never stop it), or its dispatch was
 * refused; after a lost answer, only when GitHub lists no run for it a minute on; or a person
 * asks again after a failed or unanswered run.
 */
async function wantsDispatch(
  octokit: GitHubClient,
  repo: RepoRef,
  state: ProvisionState,
  input: {
    workflow: string;
    defaultBranch: string;
    cluster: string;
    sha: string;
    retryFailed?: boolean;
    now: Date;
  },
): Promise<boolean> {
  if (state.own === undefined || state.own.kind === "refused") return true;
  if (state.own.kind === "unknown") {
    if (await runListed(octokit, repo, input)) return false;
    if (input.now.getTime() - state.own.since.getTime() < LISTED_WITHIN_MS)
      throw Object.assign(new Error(`waiting for GitHub to list the provisioning run of ${input.cluster}`), {
        status: 503,
      });
    return true;
  }
  return input.retryFailed === true && (state.shown === "failure" || state.own.kind === "unanswered");
}

/** Whether GitHub lists a run of the workflow dispatched on the default branch for this cluster and commit. */
async function runListed(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { workflow: string; defaultBranch: string; cluster: string; sha: string },
): Promise<boolean> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
    ...repo,
    workflow_id: input.workflow,
    event: "workflow_dispatch",
    branch: input.defaultBranch,
    per_page: 50,
  });
  // provision.yml names each run `provision <cluster> at <sha>` (its run-name)
  return data.workflow_runs.some(
    (run) =>
      run.head_branch === input.defaultBranch &&
      run.display_title === `provision ${input.cluster} at ${input.sha}`,
  );
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
    if (status !== 404 && status !== 422) {
      // A 5xx or no answer: GitHub may have taken it. Said so, and the work is tried again: it
      // dispatches only if GitHub lists no run for it a minute on (never twice, never lost).
      await setProvisionStatus(octokit, repo, input, "pending", unknownText(input.cluster));
      throw cause;
    }
    const reason =
      status === 404
        ? `.github/workflows/${input.workflow} is missing on ${input.defaultBranch} (or has no workflow_dispatch trigger)`
        : `GitHub refused the dispatch: ${(cause as Error).message}`;
    await setProvisionStatus(octokit, repo, input, "error", reason);
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
    context: PROVISION_CONTEXT(input.cluster),
    state,
    description: description.slice(0, 140),
    target_url: input.targetUrl,
  });
}
