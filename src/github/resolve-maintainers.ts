import type { KawsConfig } from "../core/config/kaws-config.js";
import type { GitHubClient } from "./github-client.js";

/**
 * Which of these logins are maintainers: listed in `maintainers`, or active members of a
 * `maintainer_teams` team of the organisation (one membership check per login and team, only for
 * logins not listed; a missing team or user is simply not a membership).
 */
export async function resolveMaintainers(
  octokit: GitHubClient,
  org: string,
  config: KawsConfig,
  logins: Iterable<string>,
): Promise<Set<string>> {
  const maintainers = new Set<string>();
  for (const login of new Set([...logins].map((l) => l.toLowerCase()))) {
    if (config.maintainers.includes(login)) {
      maintainers.add(login);
      continue;
    }
    for (const team of config.maintainer_teams) {
      try {
        const { data } = await octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
          org,
          team_slug: team,
          username: login,
        });
        if (data.state === "active") {
          maintainers.add(login);
          break;
        }
      } catch (cause) {
        if ((cause as { status?: number }).status !== 404) throw cause;
      }
    }
  }
  return maintainers;
}
