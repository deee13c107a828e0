import { DEFAULT_CONFIG, parseKawsConfig, type KawsConfig } from "../core/config/kaws-config.js";
import { KawsInputError } from "../core/findings.js";
import { CONFIG_PATH } from "../core/tree/classify-path.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** The default branch's `.github/kaws.yml` (one call): the defaults when absent, null when broken. */
export async function fetchDefaultBranchConfig(
  octokit: GitHubClient,
  repo: RepoRef,
  defaultBranch: string,
): Promise<KawsConfig | null> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path: CONFIG_PATH,
      ref: defaultBranch,
    });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
    return parseKawsConfig(new Uint8Array(Buffer.from(data.content, "base64")));
  } catch (cause) {
    if ((cause as { status?: number }).status === 404) return DEFAULT_CONFIG;
    if (cause instanceof KawsInputError) return null;
    throw cause;
  }
}
