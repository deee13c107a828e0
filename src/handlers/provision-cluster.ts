import { isValidClusterName } from "../core/tree/classify-path.js";
import { fetchBranchHead } from "../github/fetch-branch-head.js";
import { fetchDefaultBranchConfig } from "../github/fetch-default-branch-config.js";
import { dispatchProvisioning } from "../github/dispatch-provisioning.js";
import type { RepoRef } from "../github/github-client.js";
import type { EvaluationDeps } from "./evaluate-pull-request.js";

/** `/kaws provision <cluster>`: dispatch the provisioning workflow at the default branch's head, once per commit. */
export async function provisionCluster(
  deps: EvaluationDeps,
  target: { repo: RepoRef; defaultBranch: string },
  cluster: string,
): Promise<string> {
  const { octokit } = deps;
  // only a name a cluster folder can have (it also names the dispatch's lock ref)
  if (!isValidClusterName(cluster)) return `there is no cluster \`${cluster}\` on the default branch.`;
  const sha = await fetchBranchHead(octokit, target.repo, target.defaultBranch);
  try {
    await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...target.repo,
      path: `clusters/${cluster}/cluster.yml`,
      ref: sha,
    });
  } catch {
    return `there is no cluster \`${cluster}\` on the default branch.`;
  }
  const config = await fetchDefaultBranchConfig(octokit, target.repo, target.defaultBranch);
  const workflow = config?.provision.workflow ?? "provision.yml";
  const result = await dispatchProvisioning(
    octokit,
    target.repo,
    {
      workflow,
      defaultBranch: target.defaultBranch,
      cluster,
      sha,
      retryFailed: true,
      botLogin: deps.botLogin,
      now: deps.now(),
    },
    deps.locks,
  );
  deps.log.info({ cluster, sha, result: result.kind }, "provisioning on request");
  if (result.kind === "dispatched" && result.previous === "unanswered")
    return `the earlier dispatch for **${cluster}** at \`${sha.slice(0, 12)}\` never reported a run: dispatched \`${workflow}\` again.`;
  if (result.kind === "dispatched" && result.previous === "failure")
    return `the last provisioning of **${cluster}** at \`${sha.slice(0, 12)}\` failed: dispatched \`${workflow}\` again.`;
  if (result.kind === "dispatched")
    return `dispatched \`${workflow}\` for **${cluster}** at \`${sha.slice(0, 12)}\`.`;
  if (result.kind === "already") {
    const how =
      result.state === "success"
        ? "the workflow reported success"
        : result.state === "failure"
          ? "the workflow reported a failure"
          : "its run is pending";
    return `provisioning of **${cluster}** at \`${sha.slice(0, 12)}\` was already dispatched (${how}); nothing done twice.`;
  }
  return `could not dispatch provisioning of **${cluster}**: ${result.reason}.`;
}
