import type { FakeRepo } from "./fake-repo.js";

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface FakeGitHubOptions {
  readonly repo: FakeRepo;
  /** The default branch's tip and the merge base of pull requests. */
  readonly defaultSha: string;
  readonly mergeBaseSha: string;
  /** GPG keys registered on each GitHub account (`raw_key` armored). */
  readonly gpgKeys?: Record<
    string,
    { key_id: string; raw_key: string | null; subkeys: { key_id: string }[] }[]
  >;
}

type Reply = [number, unknown];
interface CheckRun {
  id: number;
  head_sha: string;
  name: string;
  external_id: string;
  conclusion: string;
  output: unknown;
}
interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

/**
 * GitHub's REST and GraphQL APIs for one repository, as a plain function of (method, path, body),
 * with state: check runs and comments created are listed afterwards. Every call is recorded. The
 * nock adapter (tests) and the HTTP server (bench) both route through it.
 */
export function createFakeGitHubApi(options: FakeGitHubOptions) {
  const { repo } = options;
  const calls: RecordedCall[] = [];
  const checkRuns: CheckRun[] = [];
  const comments: Comment[] = [];
  const base = `/repos/${repo.owner}/${repo.name}`;

  const routes: [string, RegExp, (match: RegExpExecArray, body: unknown) => Reply][] = [
    [
      "POST",
      /^\/app\/installations\/\d+\/access_tokens$/,
      () => [
        201,
        {
          token: "ghs_test-installation-token",
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: {},
        },
      ],
    ],
    [
      "GET",
      new RegExp(`^${base}/compare/`),
      () => [
        200,
        {
          base_commit: { sha: options.defaultSha },
          merge_base_commit: { sha: options.mergeBaseSha },
          files: [],
          commits: [],
        },
      ],
    ],
    [
      "GET",
      new RegExp(`^${base}/git/trees/([0-9a-f]+)\\?recursive=1$`),
      (m) => (repo.commits.has(m[1]!) ? [200, repo.treeResponse(m[1]!)] : [404, { message: "Not Found" }]),
    ],
    [
      "GET",
      new RegExp(`^${base}/git/blobs/([0-9a-f]+)$`),
      (m) => {
        const blob = repo.blobResponse(m[1]!);
        return blob ? [200, blob] : [404, { message: "Not Found" }];
      },
    ],
    [
      "POST",
      /^(\/api)?\/graphql$/,
      (_m, body) => [
        200,
        repo.authorityResponse((body as { variables: { pubkeys: string } }).variables.pubkeys.split(":")[0]!),
      ],
    ],
    [
      "GET",
      /^\/users\/([^/]+)\/gpg_keys/,
      (m) => [
        200,
        (options.gpgKeys?.[m[1]!] ?? []).map((key, index) => ({
          id: index + 1,
          emails: [],
          can_sign: true,
          ...key,
        })),
      ],
    ],
    [
      "GET",
      new RegExp(`^${base}/commits/([0-9a-f]+)/check-runs`),
      (m) => {
        const runs = checkRuns.filter((run) => run.head_sha === m[1]);
        return [200, { total_count: runs.length, check_runs: runs.slice(-1) }];
      },
    ],
    [
      "POST",
      new RegExp(`^${base}/check-runs$`),
      (_m, body) => {
        const run = { id: checkRuns.length + 1, ...(body as Omit<CheckRun, "id">) };
        checkRuns.push(run);
        return [201, run];
      },
    ],
    [
      "PATCH",
      new RegExp(`^${base}/check-runs/(\\d+)$`),
      (m, body) => {
        const run = checkRuns.find((r) => r.id === Number(m[1]));
        if (run === undefined) return [404, { message: "Not Found" }];
        Object.assign(run, body);
        return [200, run];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/issues/(\\d+)/comments`),
      (m) => [200, comments.filter((c) => c.issue === Number(m[1]))],
    ],
    [
      "POST",
      new RegExp(`^${base}/issues/(\\d+)/comments$`),
      (m, body) => {
        const comment = {
          id: 100 + comments.length,
          issue: Number(m[1]),
          body: (body as { body: string }).body,
          user: { login: "kaws-bot[bot]", type: "Bot" },
        };
        comments.push(comment);
        return [201, comment];
      },
    ],
    [
      "PATCH",
      new RegExp(`^${base}/issues/comments/(\\d+)$`),
      (m, body) => {
        const comment = comments.find((c) => c.id === Number(m[1]));
        if (comment === undefined) return [404, { message: "Not Found" }];
        comment.body = (body as { body: string }).body;
        return [200, comment];
      },
    ],
  ];

  function handle(method: string, path: string, body: unknown): Reply {
    calls.push({ method, path, body });
    for (const [routeMethod, pattern, reply] of routes) {
      const match = routeMethod === method ? pattern.exec(path) : null;
      if (match) return reply(match, body);
    }
    return [404, { message: `the fake GitHub has no route for ${method} ${path}` }];
  }

  return {
    handle,
    calls,
    checkRuns,
    comments,
    /** Calls made for the repository's content and reports (the token exchange excluded). */
    apiCalls: () => calls.filter((c) => !c.path.includes("/access_tokens")),
  };
}
