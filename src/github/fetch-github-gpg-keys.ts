import type { GithubGpgKey } from "../core/policy/judge-identity-binding.js";
import type { GitHubClient } from "./github-client.js";

/** The GPG keys registered on a GitHub account (`GET /users/{login}/gpg_keys`); an unknown user has none. */
export async function fetchGithubGpgKeys(octokit: GitHubClient, login: string): Promise<GithubGpgKey[]> {
  try {
    const { data } = await octokit.request("GET /users/{username}/gpg_keys", {
      username: login,
      per_page: 100,
    });
    return data.map((key) => ({
      key_id: key.key_id,
      raw_key: key.raw_key ?? null,
      subkeys: (key.subkeys ?? []).map((subkey) => ({ key_id: subkey.key_id ?? "" })),
    }));
  } catch (cause) {
    if ((cause as { status?: number }).status === 404) return [];
    throw cause;
  }
}
