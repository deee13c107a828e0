import nock from "nock";
import type { FakeRepo } from "./fake-repo.js";

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface FakeGitHubOptions {
  readonly repo: FakeRepo;
  /** The default branch's tip and the merge base of the pull request. */
  readonly defaultSha: string;
  readonly mergeBaseSha: string;
  /** GPG keys registered on each GitHub account (`raw_key` armored). */
  readonly gpgKeys?: Record<
    string,
    { key_id: string; raw_key: string | null; subkeys: { key_id: string }[] }[]
  >;
  readonly baseUrl?: string;
}

/**
 * GitHub's REST and GraphQL APIs for one repository, through nock, with state: check runs and
 * comments created are listed afterwards, so redeliveries see what the first delivery did. Every
 * call is recorded with its body.
 */
export function fakeGitHub(options: FakeGitHubOptions) {
  const { repo } = options;
  const calls: RecordedCall[] = [];
  const checkRuns: {
    id: number;
    head_sha: string;
    name: string;
    external_id: string;
    conclusion: string;
    output: unknown;
  }[] = [];
  const comments: { id: number; issue: number; body: string; user: { login: string; type: string } }[] = [];
  const base = `/repos/${repo.owner}/${repo.name}`;
  const record = (method: string) =>
    function (this: { req: { path: string } }, uri: string, body: unknown) {
      calls.push({ method, path: uri, body });
      return uri;
    };
  const scope = nock(options.baseUrl ?? "https://api.github.com").persist();

  scope.post(/^\/app\/installations\/\d+\/access_tokens$/).reply(function (uri, body) {
    record("POST").call(this, uri, body);
    return [
      201,
      {
        token: "ghs_test-installation-token",
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: {},
      },
    ];
  });
  scope.get(new RegExp(`^${base}/compare/`)).reply(function (uri, body) {
    record("GET").call(this, uri, body);
    return [
      200,
      {
        base_commit: { sha: options.defaultSha },
        merge_base_commit: { sha: options.mergeBaseSha },
        files: [],
        commits: [],
      },
    ];
  });
  scope.get(new RegExp(`^${base}/git/trees/[0-9a-f]+\\?recursive=1$`)).reply(function (uri, body) {
    record("GET").call(this, uri, body);
    const sha = /trees\/([0-9a-f]+)/.exec(uri)![1]!;
    return repo.commits.has(sha) ? [200, repo.treeResponse(sha)] : [404, { message: "Not Found" }];
  });
  scope.get(new RegExp(`^${base}/git/blobs/[0-9a-f]+$`)).reply(function (uri, body) {
    record("GET").call(this, uri, body);
    const blob = repo.blobResponse(uri.split("/").pop()!);
    return blob ? [200, blob] : [404, { message: "Not Found" }];
  });
  scope.post("/graphql").reply(function (uri, body) {
    record("POST").call(this, uri, body);
    const expression = (body as { variables: { pubkeys: string } }).variables.pubkeys;
    return [200, repo.authorityResponse(expression.split(":")[0]!)];
  });
  scope.get(/^\/users\/[^/]+\/gpg_keys/).reply(function (uri, body) {
    record("GET").call(this, uri, body);
    const login = uri.split("/")[2]!;
    return [
      200,
      (options.gpgKeys?.[login] ?? []).map((key, index) => ({
        id: index + 1,
        emails: [],
        can_sign: true,
        ...key,
      })),
    ];
  });
  scope.get(new RegExp(`^${base}/commits/[0-9a-f]+/check-runs`)).reply(function (uri, body) {
    record("GET").call(this, uri, body);
    const sha = /commits\/([0-9a-f]+)\//.exec(uri)![1]!;
    const runs = checkRuns.filter((run) => run.head_sha === sha);
    return [200, { total_count: runs.length, check_runs: runs.slice(-1) }];
  });
  scope.post(`${base}/check-runs`).reply(function (uri, body) {
    record("POST").call(this, uri, body);
    const run = {
      id: checkRuns.length + 1,
      ...(body as {
        head_sha: string;
        name: string;
        external_id: string;
        conclusion: string;
        output: unknown;
      }),
    };
    checkRuns.push(run);
    return [201, run];
  });
  scope.patch(new RegExp(`^${base}/check-runs/\\d+$`)).reply(function (uri, body) {
    record("PATCH").call(this, uri, body);
    const run = checkRuns.find((r) => r.id === Number(uri.split("/").pop()));
    Object.assign(run!, body);
    return [200, run];
  });
  scope.get(new RegExp(`^${base}/issues/\\d+/comments`)).reply(function (uri, body) {
    record("GET").call(this, uri, body);
    const issue = Number(/issues\/(\d+)\//.exec(uri)![1]);
    return [200, comments.filter((c) => c.issue === issue)];
  });
  scope.post(new RegExp(`^${base}/issues/\\d+/comments$`)).reply(function (uri, body) {
    record("POST").call(this, uri, body);
    const comment = {
      id: 100 + comments.length,
      issue: Number(/issues\/(\d+)\//.exec(uri)![1]),
      body: (body as { body: string }).body,
      user: { login: "kaws-bot[bot]", type: "Bot" },
    };
    comments.push(comment);
    return [201, comment];
  });
  scope.patch(new RegExp(`^${base}/issues/comments/\\d+$`)).reply(function (uri, body) {
    record("PATCH").call(this, uri, body);
    const comment = comments.find((c) => c.id === Number(uri.split("/").pop()));
    comment!.body = (body as { body: string }).body;
    return [200, comment];
  });

  return {
    calls,
    checkRuns,
    comments,
    /** Calls made to the API for the repository's content and reports (the token exchange excluded). */
    apiCalls: () => calls.filter((c) => !c.path.includes("/access_tokens")),
    done: () => nock.cleanAll(),
  };
}
