import { CLUSTER_ROLES, clusterFile } from "../core/tree/classify-path.js";
import { PROVISION_CONTEXT } from "./dispatch-provisioning.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** How far back a change with no dispatch is made up for: older ones predate the bot, or were left. */
export const UNPROVISIONED_WITHIN_DAYS = 7;

/**
 * Clusters whose machines were never told of their last change: a push no process saw (GitHub gave
 * up delivering it, or the bot died after moving the branch and nothing redelivered it) leaves a
 * change of `cluster.yml` or of the server PKI with no dispatch. Found from GitHub alone, nothing
 * remembered: each commit of the last `withinDays` that changed a cluster's provisioning inputs
 * needs a status of THIS app for that cluster on it or on a commit after it (a dispatch provisions
 * the whole state of its commit). Anyone else's statuses never count.
 */
export async function findUnprovisionedClusters(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { head: string; clusters: readonly string[]; botLogin: string; now: Date; withinDays?: number },
): Promise<string[]> {
  const own = ownProvisionStatuses(octokit, repo, input.botLogin);
  const atHead = await own(input.head);
  const since = new Date(input.now.getTime() - (input.withinDays ?? UNPROVISIONED_WITHIN_DAYS) * 86_400_000);
  const unprovisioned: string[] = [];
  for (const cluster of input.clusters) {
    if (atHead.has(PROVISION_CONTEXT(cluster))) continue;
    for (const change of await recentChanges(octokit, repo, input.head, cluster, since)) {
      if (!(await dispatchedSince(octokit, repo, own, change, input.head, cluster))) {
        unprovisioned.push(cluster);
        break;
      }
    }
  }
  return unprovisioned;
}

/** The commit statuses contexts this app wrote on a commit (read once per commit). */
function ownProvisionStatuses(
  octokit: GitHubClient,
  repo: RepoRef,
  botLogin: string,
): (sha: string) => Promise<Set<string>> {
  const read = new Map<string, Promise<Set<string>>>();
  return (sha) => {
    let contexts = read.get(sha);
    if (contexts === undefined) {
      contexts = octokit
        .request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", { ...repo, ref: sha, per_page: 100 })
        .then(
          ({ data }) =>
            new Set(data.filter((s) => s.creator?.login === botLogin).map((status) => status.context)),
        );
      read.set(sha, contexts);
    }
    return contexts;
  };
}

/** The newest commit since `since` that changed each provisioning input of the cluster (distinct). */
async function recentChanges(
  octokit: GitHubClient,
  repo: RepoRef,
  head: string,
  cluster: string,
  since: Date,
): Promise<string[]> {
  const paths = [clusterFile.spec(cluster), ...CLUSTER_ROLES.map((role) => clusterFile.cert(cluster, role))];
  const newest = await Promise.all(
    paths.map(async (path) => {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/commits", {
        ...repo,
        sha: head,
        path,
        since: since.toISOString(),
        per_page: 1,
      });
      return data[0]?.sha;
    }),
  );
  return [...new Set(newest.filter((sha): sha is string => sha !== undefined))];
}

/** Whether this app left a status for the cluster on `change` or on a commit between it and `head`. */
async function dispatchedSince(
  octokit: GitHubClient,
  repo: RepoRef,
  own: (sha: string) => Promise<Set<string>>,
  change: string,
  head: string,
  cluster: string,
): Promise<boolean> {
  if ((await own(change)).has(PROVISION_CONTEXT(cluster))) return true;
  // the commits after the change, oldest first: a dispatch is on the change's own push, near it
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    ...repo,
    basehead: `${change}...${head}`,
    per_page: 100,
  });
  for (const commit of data.commits) {
    if ((await own(commit.sha)).has(PROVISION_CONTEXT(cluster))) return true;
  }
  return false;
}
