import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Every source file of the bot (what runs with the app's token). */
function sources(dir = join(root, "src")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [readFileSync(join(dir, entry.name), "utf8")]
        : [],
  );
}

type Access = "read" | "write";

/**
 * The permission each GitHub API route needs (GitHub's REST reference, "fine-grained permissions"
 * of each endpoint); null: none (the app's own JWT, or public data). A route the bot calls that is
 * not here fails the test: say what it needs before it ships.
 */
const ROUTES: [RegExp, [string, Access] | null][] = [
  [/^GET \/app$/, null],
  [/^GET \/app\/installations$/, null],
  [/^GET \/repos\/\{owner\}\/\{repo\}\/installation$/, null],
  [/^GET \/installation\/repositories$/, ["metadata", "read"]],
  [/^GET \/repos\/\{owner\}\/\{repo\}$/, ["metadata", "read"]],
  [/^GET \/users\/\{username\}\/gpg_keys$/, null],
  [/^GET \/orgs\/\{org\}\/teams\/\{team_slug\}\/memberships\/\{username\}$/, ["members", "read"]],
  [/^GET \/repos\/\{owner\}\/\{repo\}\/commits\/\{ref\}\/check-runs$/, ["checks", "read"]],
  [/^(POST|PATCH) \/repos\/\{owner\}\/\{repo\}\/check-runs(\/\{check_run_id\})?$/, ["checks", "write"]],
  [/^GET \/repos\/\{owner\}\/\{repo\}\/commits\/\{ref\}\/statuses$/, ["statuses", "read"]],
  [/^POST \/repos\/\{owner\}\/\{repo\}\/statuses\/\{sha\}$/, ["statuses", "write"]],
  [/^GET \/repos\/\{owner\}\/\{repo\}\/git\//, ["contents", "read"]],
  [/^(POST|PATCH|DELETE) \/repos\/\{owner\}\/\{repo\}\/git\//, ["contents", "write"]],
  [
    /^GET \/repos\/\{owner\}\/\{repo\}\/(contents\/\{path\}|compare\/\{basehead\}|commits)$/,
    ["contents", "read"],
  ],
  [/^GET \/repos\/\{owner\}\/\{repo\}\/commits\/\{commit_sha\}\/pulls$/, ["pull_requests", "read"]],
  [
    /^GET \/repos\/\{owner\}\/\{repo\}\/pulls(\/\{pull_number\}(\/(reviews|files|commits))?)?$/,
    ["pull_requests", "read"],
  ],
  [
    /^(POST \/repos\/\{owner\}\/\{repo\}\/pulls|PATCH \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\})$/,
    ["pull_requests", "write"],
  ],
  [/^GET \/repos\/\{owner\}\/\{repo\}\/issues(\/\{issue_number\}\/(comments|events))?$/, ["issues", "read"]],
  // whether a person can be assigned a reminder issue
  [/^GET \/repos\/\{owner\}\/\{repo\}\/assignees\/\{assignee\}$/, ["issues", "read"]],
  [/^(POST|PATCH|DELETE) \/repos\/\{owner\}\/\{repo\}\/issues(\/|$)/, ["issues", "write"]],
  [
    /^POST \/repos\/\{owner\}\/\{repo\}\/actions\/workflows\/\{workflow_id\}\/dispatches$/,
    ["actions", "write"],
  ],
  [/^GET \/repos\/\{owner\}\/\{repo\}\/actions\/workflows\/\{workflow_id\}\/runs$/, ["actions", "read"]],
];

/** What the bot's code asks GitHub for: every REST route it names, and GraphQL (tree and blob reads). */
function permissionsTheCodeNeeds(): Record<string, Access> {
  const code = sources().join("\n");
  const routes = new Set(code.match(/"(GET|POST|PATCH|PUT|DELETE) \/[^"]+"/g)?.map((r) => r.slice(1, -1)));
  const needed: Record<string, Access> = { metadata: "read" };
  const need = ([permission, access]: [string, Access]) => {
    if (needed[permission] !== "write") needed[permission] = access;
  };
  for (const route of routes) {
    const rule = ROUTES.find(([pattern]) => pattern.test(route));
    expect(rule, `the permission ${route} needs is unknown: add it to ROUTES`).toBeDefined();
    if (rule![1] !== null) need(rule![1]);
  }
  if (/\.graphql[<(]/.test(code)) need(["contents", "read"]);
  return needed;
}

describe("app.yml, the manifest the GitHub App is created from", () => {
  const manifest = parse(readFileSync(join(root, "app.yml"), "utf8")) as {
    default_permissions: Record<string, Access>;
    default_events: string[];
  };

  it("asks for exactly the permissions the code's API calls need", () => {
    expect(manifest.default_permissions).toEqual(permissionsTheCodeNeeds());
  });

  it("subscribes to exactly the events the app handles", () => {
    const app = readFileSync(join(root, "src/app.ts"), "utf8");
    const handled = new Set(
      [...app.matchAll(/"(pull_request|pull_request_review|issue_comment|push)(\.[a-z_]+)?"/g)].map(
        (m) => m[1],
      ),
    );
    expect([...manifest.default_events].sort()).toEqual([...handled].sort());
  });
});
