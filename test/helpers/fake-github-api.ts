import { createHash } from "node:crypto";
import type { FakeRepo } from "./fake-repo.js";

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** When GitHub received it (ms, the process clock). */
  readonly at?: number;
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
  /** Members of the organisation's teams, by team slug. */
  readonly teams?: Record<string, string[]>;
  /** The clock the fake stamps the bot's comments with. */
  readonly now?: () => Date;
  /** The default branch refuses pushes (branch protection without the app on the bypass list). */
  readonly protectedBranch?: boolean;
  /** Workflow files that exist (default: provision.yml). */
  readonly workflows?: string[];
}

type Reply = [number, unknown] | [number, unknown, Record<string, string>];
/** A request the fake never answers (a hung GitHub). */
export const HANG = Symbol("hang");
interface CheckRun {
  id: number;
  head_sha: string;
  name: string;
  external_id: string;
  conclusion: string;
  output: { title?: string; summary?: string } | undefined;
  /** The app that wrote it: GitHub sets it from the token; the bot's own is app 123. */
  app: { id: number; slug: string };
  /** GitHub's time of creation, unless the client sent one. */
  started_at: string;
}

/** The bot's app, as `GET /app` answers. */
export const BOT_APP = { id: 123, slug: "kaws-bot" };
interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}
interface Review {
  id: number;
  pull: number;
  user: { login: string; type: string };
  state: string;
  body: string;
  commit_id: string;
  submitted_at: string;
}

/**
 * GitHub's REST and GraphQL APIs for one repository, as a plain function of (method, path, body),
 * with state: check runs and comments created are listed afterwards. Every call is recorded. The
 * nock adapter and the HTTP server both route through `answer`.
 */
export function createFakeGitHubApi(options: FakeGitHubOptions) {
  const { repo } = options;
  const calls: RecordedCall[] = [];
  /** Requests no route answered ("METHOD path"): each one fails the test that made it. */
  const unknownRoutes: string[] = [];
  const checkRuns: CheckRun[] = [];
  const comments: Comment[] = [];
  const reviews: Review[] = [];
  const pulls = new Map<number, unknown>();
  const refs = new Map<string, string>([["heads/main", options.defaultSha]]);
  const commitPulls = new Map<string, unknown[]>();
  const issues: {
    number: number;
    title: string;
    body: string;
    state: string;
    user: { login: string; type: string };
  }[] = [];
  const createdPulls: {
    number: number;
    head: string;
    base: string;
    title: string;
    body: string;
    state: string;
  }[] = [];
  /** A pull request the app opened, as GitHub lists it. */
  const listedPull = (pull: (typeof createdPulls)[number]) => ({
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    user: { login: `${BOT_APP.slug}[bot]`, type: "Bot" },
    // GitHub lists each branch's tip of the moment
    head: { ref: pull.head, sha: refs.get(`heads/${pull.head}`), label: `${repo.owner}:${pull.head}` },
    base: { ref: pull.base, sha: refs.get(`heads/${pull.base}`) },
    html_url: `https://github.com/acme/cluster-keys/pull/${pull.number}`,
  });
  const resolveRef = (ref: string) => refs.get(`heads/${ref}`) ?? ref;
  const statuses: { sha: string; context: string; state: string; description: string }[] = [];
  const dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[] = [];
  const faults: {
    method: string;
    pattern: RegExp;
    status: number;
    message: string;
    headers?: Record<string, string>;
  }[] = [];
  const hangs: { method: string; pattern: RegExp }[] = [];
  /** Where the bot "dies": from then on nothing it sends lands, until `revive`. */
  let crash: { method: string; pattern: RegExp; when: "before" | "after" } | undefined;
  let dead = false;
  const slowRoutes: { method: string; pattern: RegExp; ms: number }[] = [];
  const interleaved: { method: string; pattern: RegExp; write: () => void }[] = [];
  const issueEvents: { issue: number; event: string; created_at: string }[] = [];
  /** The GitHub user each commit is linked to, for those the app wrote. */
  const authors = new Map<string, string>();
  /** Logins GitHub does not let the app assign (not collaborators). */
  const notAssignable = new Set<string>();
  /** The node ids of the issues the app pinned. */
  const pinned: string[] = [];
  /** When each commit was made: the app's commits at the fake's clock; a fixture's are old (none). */
  const commitDates = new Map<string, Date>();
  /** Annotated tag objects (`POST /git/tags`), by their sha. */
  const tags = new Map<string, { tag: string; message: string; object: string; type: string }>();
  const objectOf = (sha: string) => ({ sha, type: tags.has(sha) ? "tag" : "commit" });
  const clock = options.now ?? (() => new Date());
  let protectedBranch = options.protectedBranch ?? false;
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
      new RegExp(`^${base}/commits/([0-9a-f]{40})/statuses`),
      (m) => [200, statuses.filter((s) => s.sha === m[1]).reverse()], // newest first, as GitHub lists them
    ],
    [
      "POST",
      new RegExp(`^${base}/statuses/([0-9a-f]{40})$`),
      (m, body) => {
        // the app's token writes it: GitHub names the app's bot user as its creator
        const status = {
          sha: m[1]!,
          ...(body as { context: string; state: string; description: string }),
          creator: { login: `${BOT_APP.slug}[bot]`, type: "Bot" },
          created_at: clock().toISOString(),
        };
        statuses.push(status);
        return [201, status];
      },
    ],
    [
      "POST",
      new RegExp(`^${base}/actions/workflows/([^/]+)/dispatches$`),
      (m, body) => {
        if (!(options.workflows ?? ["provision.yml"]).includes(m[1]!)) return [404, { message: "Not Found" }];
        dispatches.push({ workflow: m[1]!, ...(body as { ref: string; inputs: Record<string, string> }) });
        return [204, ""];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/actions/workflows/([^/]+)/runs(\\?|$)`),
      // each dispatch is a run, titled by provision.yml's run-name
      (m) => [
        200,
        {
          total_count: dispatches.length,
          workflow_runs: dispatches
            .filter((d) => d.workflow === m[1])
            .map((d, n) => ({
              id: 5000 + n,
              head_branch: d.ref,
              event: "workflow_dispatch",
              display_title: `provision ${d.inputs.cluster} at ${d.inputs.ref}`,
            }))
            .reverse(),
        },
      ],
    ],
    ["GET", /^\/app$/, () => [200, { ...BOT_APP, name: "kaws-bot" }]],
    // the app's installation on this repository, as its JWT asks (a run in GitHub Actions does)
    [
      "GET",
      new RegExp(`^${base}/installation$`),
      () => [200, { id: 4242, app_id: BOT_APP.id, account: { login: repo.owner } }],
    ],
    ["GET", new RegExp(`^${base}(\\?|$)`), () => [200, repositoryResponse()]],
    // the app is installed once, on this one repository
    ["GET", /^\/app\/installations(\?|$)/, () => [200, [{ id: 4242, account: { login: repo.owner } }]]],
    [
      "GET",
      /^\/installation\/repositories(\?|$)/,
      () => [
        200,
        {
          total_count: 1,
          repositories: [repositoryResponse()],
        },
      ],
    ],
    [
      "GET",
      new RegExp(`^${base}/compare/([^.?]+)\\.\\.\\.([^?]+)`),
      (m) => {
        const [from, to] = [resolveRef(m[1]!), resolveRef(m[2]!)];
        const known = repo.commits.has(from) && repo.commits.has(to);
        const status = from === to ? "identical" : known && repo.isAncestor(from, to) ? "ahead" : "diverged";
        // the commits of `to` that `from` lacks, oldest first (first parents; at most a page)
        const after: { sha: string }[] = [];
        let sha: string | undefined = to;
        while (known && sha !== undefined && !repo.isAncestor(sha, from)) {
          after.unshift({ sha });
          sha = repo.commits.get(sha)?.parents[0];
        }
        return [
          200,
          {
            status,
            // the default branch's tip of the moment, as GitHub answers
            base_commit: { sha: refs.get("heads/main") ?? options.defaultSha },
            merge_base_commit: { sha: options.mergeBaseSha },
            files: [],
            commits: after.slice(
              0,
              Number(new URLSearchParams(m.input.split("?")[1]).get("per_page") ?? 250),
            ),
          },
        ];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/issues/(\\d+)/events`),
      (m) => [200, issueEvents.filter((e) => e.issue === Number(m[1]))],
    ],
    [
      "GET",
      new RegExp(`^${base}/pulls/(\\d+)/commits`),
      (m) => {
        const pull = pullByNumber(Number(m[1])) as
          { base: { sha: string }; head: { sha: string } } | undefined;
        if (pull === undefined) return [404, { message: "Not Found" }];
        const shas: string[] = [];
        let sha: string | undefined = pull.head.sha;
        while (sha !== undefined && sha !== pull.base.sha) {
          shas.unshift(sha);
          sha = repo.commits.get(sha)?.parents[0];
        }
        const user = (sha: string) => (authors.has(sha) ? { login: authors.get(sha) } : null);
        return [200, shas.map((sha) => ({ sha, author: user(sha), committer: user(sha) }))];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/pulls/(\\d+)/files`),
      (m) => {
        const pull = pullByNumber(Number(m[1])) as
          { base: { sha: string }; head: { sha: string } } | undefined;
        if (pull === undefined) return [404, { message: "Not Found" }];
        return [200, repo.diff(pull.base.sha, pull.head.sha)];
      },
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
      (_m, body) => {
        const request = body as { query: string; variables: { pubkeys?: string } };
        if (request.query.startsWith("query kawsBlobs")) return [200, repo.blobsResponse(request.query)];
        if (request.query.startsWith("mutation kawsPin")) {
          pinned.push((request.variables as unknown as { id: string }).id);
          return [200, { data: { pinIssue: { issue: { number: 0 } } } }];
        }
        return [200, repo.authorityResponse(request.variables.pubkeys!.split(":")[0]!)];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/assignees/([^/?]+)$`),
      (m) => (notAssignable.has(m[1]!) ? [404, { message: "Not Found" }] : [204, ""]),
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
        const query = new URLSearchParams(m.input.split("?")[1]);
        let runs = checkRuns.filter(
          (run) =>
            run.head_sha === m[1] &&
            (!query.has("check_name") || run.name === query.get("check_name")) &&
            (!query.has("app_id") || run.app.id === Number(query.get("app_id"))),
        );
        // "latest": the newest run of each name and app, as GitHub lists them
        if (query.get("filter") !== "all")
          runs = runs.filter(
            (run) => !runs.some((r) => r.id > run.id && r.name === run.name && r.app.id === run.app.id),
          );
        return [200, { total_count: runs.length, check_runs: [...runs].reverse() }];
      },
    ],
    [
      "POST",
      new RegExp(`^${base}/check-runs$`),
      (_m, body) => {
        const run = {
          id: checkRuns.length + 1,
          app: BOT_APP,
          started_at: clock().toISOString(),
          ...(body as Omit<CheckRun, "id" | "app" | "started_at">),
        };
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
        // an app may update only its own check runs
        if (run.app.id !== BOT_APP.id) return [403, { message: "Resource not accessible by integration" }];
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
          created_at: clock().toISOString(),
          updated_at: clock().toISOString(),
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
        comment.updated_at = clock().toISOString();
        return [200, comment];
      },
    ],
    [
      "DELETE",
      new RegExp(`^${base}/issues/comments/(\\d+)$`),
      (m) => {
        const index = comments.findIndex((c) => c.id === Number(m[1]));
        if (index === -1) return [404, { message: "Not Found" }];
        comments.splice(index, 1);
        return [204, ""];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/contents/([^?]+)`),
      (m) => {
        const ref = /[?&]ref=([^&]+)/.exec(m.input)?.[1] ?? "main";
        const file = repo.required(resolveRef(decodeURIComponent(ref))).files.get(decodeURIComponent(m[1]!));
        if (file === undefined) return [404, { message: "Not Found" }];
        const bytes = repo.blobs.get(file.oid)!;
        const content = Buffer.from(bytes).toString("base64");
        return [
          200,
          { type: "file", path: m[1], sha: file.oid, size: bytes.length, encoding: "base64", content },
        ];
      },
    ],
    ["GET", new RegExp(`^${base}/commits/([0-9a-f]{40})/pulls`), (m) => [200, commitPulls.get(m[1]!) ?? []]],
    [
      "GET",
      new RegExp(`^${base}/commits\\?`),
      (m) => {
        const query = new URLSearchParams(m.input.split("?")[1]);
        const author = query.get("author");
        const since = query.get("since");
        const shas = repo
          .commitsTouching(resolveRef(query.get("sha") ?? "main"), query.get("path") ?? "", Infinity)
          .filter((sha) => author === null || authors.get(sha) === author)
          .filter((sha) => since === null || (commitDates.get(sha)?.getTime() ?? 0) >= Date.parse(since))
          .slice(0, Number(query.get("per_page") ?? 30));
        const authorOf = (sha: string) => (authors.has(sha) ? { login: authors.get(sha) } : null);
        return [
          200,
          shas.map((sha) => ({
            sha,
            author: authorOf(sha),
            commit: { message: repo.required(sha).message },
          })),
        ];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/git/commits/([0-9a-f]{40})$`),
      (m) => [
        200,
        { sha: m[1], tree: { sha: m[1] }, parents: repo.required(m[1]!).parents.map((sha) => ({ sha })) },
      ],
    ],
    [
      "POST",
      new RegExp(`^${base}/git/trees$`),
      (_m, body) => {
        const request = body as { base_tree: string; tree: { path: string; content: string }[] };
        const changes = Object.fromEntries(request.tree.map((item) => [item.path, item.content]));
        return [201, { sha: repo.commitWith(request.base_tree, changes, [], "tree") }];
      },
    ],
    [
      "POST",
      new RegExp(`^${base}/git/commits$`),
      (_m, body) => {
        const request = body as { message: string; tree: string; parents: string[] };
        const sha = repo.commitWith(request.tree, {}, request.parents, request.message);
        authors.set(sha, `${BOT_APP.slug}[bot]`); // the app's token writes it: GitHub links the app
        commitDates.set(sha, clock());
        return [201, { sha }];
      },
    ],
    [
      "PATCH",
      new RegExp(`^${base}/git/refs/(heads/.+)$`),
      (m, body) => {
        const request = body as { sha: string; force: boolean };
        if (protectedBranch) return [422, { message: "Protected branch update failed for refs/heads/main." }];
        if (!request.force && !repo.required(request.sha).parents.includes(refs.get(m[1]!) ?? "")) {
          return [422, { message: "Update is not a fast forward" }];
        }
        refs.set(m[1]!, request.sha);
        return [200, { ref: `refs/${m[1]}`, object: { sha: request.sha } }];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/git/ref/(.+)$`),
      (m) =>
        refs.has(m[1]!)
          ? [200, { ref: `refs/${m[1]}`, object: objectOf(refs.get(m[1]!)!) }]
          : [404, { message: "Not Found" }],
    ],
    [
      "POST",
      new RegExp(`^${base}/git/tags$`),
      (_m, body) => {
        const request = body as { tag: string; message: string; object: string; type: string };
        if (!repo.commits.has(request.object)) return [422, { message: "Object does not exist" }];
        const sha = createHash("sha1").update(JSON.stringify(request)).digest("hex");
        tags.set(sha, request);
        return [201, { sha, ...request, object: { sha: request.object, type: request.type } }];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/git/tags/([0-9a-f]{40})$`),
      (m) => {
        const tag = tags.get(m[1]!);
        if (tag === undefined) return [404, { message: "Not Found" }];
        return [200, { sha: m[1], ...tag, object: { sha: tag.object, type: tag.type } }];
      },
    ],
    [
      "POST",
      new RegExp(`^${base}/git/refs$`),
      (_m, body) => {
        // creating a ref is GitHub's compare-and-set: it never moves one that exists
        const request = body as { ref: string; sha: string };
        const name = request.ref.replace(/^refs\//, "");
        if (refs.has(name)) return [422, { message: "Reference already exists" }];
        if (!repo.commits.has(request.sha) && !tags.has(request.sha))
          return [422, { message: "Object does not exist" }];
        refs.set(name, request.sha);
        return [201, { ref: request.ref, object: objectOf(request.sha) }];
      },
    ],
    [
      "DELETE",
      new RegExp(`^${base}/git/refs/(.+)$`),
      (m) => (refs.delete(m[1]!) ? [204, ""] : [422, { message: "Reference does not exist" }]),
    ],
    [
      "POST",
      new RegExp(`^${base}/pulls$`),
      (_m, body) => {
        const request = body as { head: string; base: string; title: string; body: string };
        if (
          createdPulls.some((p) => p.state === "open" && p.head === request.head && p.base === request.base)
        )
          return [422, { message: `A pull request already exists for ${repo.owner}:${request.head}.` }];
        if (!refs.has(`heads/${request.head}`)) return [422, { message: "head is invalid" }];
        const pull = { number: 900 + createdPulls.length, ...request, state: "open" };
        createdPulls.push(pull);
        return [201, listedPull(pull)];
      },
    ],
    [
      "PATCH",
      new RegExp(`^${base}/pulls/(\\d+)$`),
      (m, body) => {
        const pull = createdPulls.find((p) => p.number === Number(m[1]));
        if (pull === undefined) return [404, { message: "Not Found" }];
        Object.assign(pull, body as Partial<typeof pull>);
        return [200, listedPull(pull)];
      },
    ],
    ["GET", new RegExp(`^${base}/issues\\?`), () => [200, issues.filter((issue) => issue.state === "open")]],
    [
      "POST",
      new RegExp(`^${base}/issues$`),
      (_m, body) => {
        const issue = {
          number: 800 + issues.length,
          node_id: `I_${800 + issues.length}`,
          state: "open",
          user: { login: "kaws-bot[bot]", type: "Bot" },
          ...(body as { title: string; body: string }),
        };
        issues.push(issue);
        return [201, issue];
      },
    ],
    [
      "PATCH",
      new RegExp(`^${base}/issues/(\\d+)$`),
      (m, body) => {
        const issue = issues.find((i) => i.number === Number(m[1]));
        if (issue === undefined) return [404, { message: "Not Found" }];
        Object.assign(issue, body);
        return [200, issue];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/pulls/(\\d+)/reviews`),
      (m) => [200, reviews.filter((r) => r.pull === Number(m[1]))],
    ],
    [
      "GET",
      new RegExp(`^${base}/pulls\\?(.*)$`),
      (m) => {
        const query = new URLSearchParams(m[1]);
        const head = query.get("head");
        const opened = createdPulls.filter((p) => p.state === "open").map(listedPull);
        const listed = [
          ...[...pulls.values()].filter((pull) => (pull as { state?: string }).state === "open"),
          ...opened,
        ];
        // `head` is "owner:branch": only pull requests from that branch
        return [200, head === null ? listed : opened.filter((p) => p.head.label === head)];
      },
    ],
    [
      "GET",
      new RegExp(`^${base}/pulls/(\\d+)$`),
      (m) => (pulls.has(Number(m[1])) ? [200, pulls.get(Number(m[1]))] : [404, { message: "Not Found" }]),
    ],
    [
      "GET",
      /^\/orgs\/[^/]+\/teams\/([^/]+)\/memberships\/([^/?]+)/,
      (m) =>
        options.teams?.[m[1]!]?.includes(m[2]!)
          ? [200, { state: "active", role: "member" }]
          : [404, { message: "Not Found" }],
    ],
  ];

  /** The repository as `GET /repos/{owner}/{repo}` describes it. */
  function repositoryResponse() {
    return {
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: { login: repo.owner },
      default_branch: "main",
      archived: false,
    };
  }

  /** A pull request the tests set, or one GitHub associates with a merged commit. */
  function pullByNumber(number: number): unknown {
    if (pulls.has(number)) return pulls.get(number);
    for (const list of commitPulls.values())
      for (const pull of list) if ((pull as { number: number }).number === number) return pull;
    return undefined;
  }

  /** octokit encodes "/" inside {ref}, as GitHub accepts. */
  const decodePath = (rawPath: string) => rawPath.replace(/%2F/gi, "/");

  function handle(method: string, rawPath: string, body: unknown): Reply | typeof HANG {
    const path = decodePath(rawPath);
    calls.push({ method, path, body, at: Date.now() });
    if (dead) return [502, { message: "the bot is dead (injected crash): nothing it sends lands" }];
    const crashes = crash !== undefined && crash.method === method && crash.pattern.test(path);
    if (crashes && crash!.when === "before") {
      dead = true;
      return [502, { message: "the bot died before this request landed (injected crash)" }];
    }
    const reply = route(method, path, body);
    if (crashes) dead = true; // it landed; the bot dies before it hears the answer
    return crashes ? [502, { message: "the bot died after this request landed (injected crash)" }] : reply;
  }

  function route(method: string, path: string, body: unknown): Reply | typeof HANG {
    const other = interleaved.findIndex((w) => w.method === method && w.pattern.test(path));
    if (other !== -1) interleaved.splice(other, 1)[0]!.write();
    const hang = hangs.findIndex((h) => h.method === method && h.pattern.test(path));
    if (hang !== -1) {
      hangs.splice(hang, 1);
      return HANG;
    }
    const fault = faults.findIndex((f) => f.method === method && f.pattern.test(path));
    if (fault !== -1) {
      const injected = faults.splice(fault, 1)[0]!;
      return injected.headers
        ? [injected.status, { message: injected.message }, injected.headers]
        : [injected.status, { message: injected.message }];
    }
    for (const [routeMethod, pattern, reply] of routes) {
      const match = routeMethod === method ? pattern.exec(path) : null;
      if (match) return reply(match, body);
    }
    // not GitHub's 404, which production code reads as "absent": the test fails (see test/setup.ts)
    unknownRoutes.push(`${method} ${path}`);
    return [501, { message: `the fake GitHub has no route for ${method} ${path}` }];
  }

  /**
   * `handle`, answered as late as a slowed route says. The answer is what GitHub read when the
   * request arrived: a slow listing can miss what another client wrote meanwhile.
   */
  async function answer(method: string, rawPath: string, body: unknown): Promise<Reply | typeof HANG> {
    const reply = handle(method, rawPath, body);
    const path = decodePath(rawPath);
    const slow = slowRoutes.find((s) => s.method === method && s.pattern.test(path));
    if (slow !== undefined) await new Promise((resolve) => setTimeout(resolve, slow.ms));
    return reply;
  }

  const api = {
    handle,
    answer,
    calls,
    unknownRoutes,
    checkRuns,
    comments,
    reviews,
    refs,
    /** Annotated tag objects by sha (the lock refs point at them). */
    tags,
    notAssignable,
    pinned,
    issues,
    statuses,
    dispatches,
    /** The next matching request fails with this status, once. */
    failNext(
      method: string,
      pattern: RegExp,
      status = 502,
      message = "Server Error (injected)",
      headers?: Record<string, string>,
    ) {
      faults.push({ method, pattern, status, message, headers });
    },
    /**
     * The bot process dies at the first matching request, before it lands or just after: from then
     * on nothing the bot sends lands (each request fails), as if it were gone, until `revive`.
     */
    crashAt(method: string, pattern: RegExp, when: "before" | "after") {
      crash = { method, pattern, when };
    },
    /** Branch protection on the default branch refuses the app's pushes (or no longer does). */
    protectBranch(on: boolean) {
      protectedBranch = on;
    },
    /** A new bot process: requests land again. */
    revive() {
      crash = undefined;
      dead = false;
    },
    /** Whether the injected crash happened. */
    get crashed() {
      return dead;
    },
    /** The next matching request is never answered. */
    hangNext(method: string, pattern: RegExp) {
      hangs.push({ method, pattern });
    },
    /** Another client's write lands just before the next matching request is handled, once. */
    meanwhile(method: string, pattern: RegExp, write: () => void) {
      interleaved.push({ method, pattern, write });
    },
    /** Every matching request is answered `ms` later (see `answer`), until the test ends. */
    slowDown(method: string, pattern: RegExp, ms: number) {
      slowRoutes.push({ method, pattern, ms });
    },
    createdPulls,
    /** The pull requests GitHub associates with a commit (`GET /commits/{sha}/pulls`). */
    setCommitPulls(sha: string, pullsOfCommit: unknown[]) {
      commitPulls.set(sha, pullsOfCommit);
    },
    /** When a commit was made (GitHub's `since` filter reads it); a fixture's commits are old. */
    setCommitDate(sha: string, at: Date) {
      commitDates.set(sha, at);
    },
    /** The GitHub user a commit is linked to (its author and committer). */
    setCommitAuthor(sha: string, login: string) {
      authors.set(sha, login);
    },
    /** An event GitHub records on a pull request (`head_ref_force_pushed`, `reopened`…), at GitHub's time. */
    addIssueEvent(issue: number, event: string, at: Date) {
      issueEvents.push({ issue, event, created_at: at.toISOString() });
    },
    /** A `kaws` check run written by another app or a workflow (GitHub Actions is app 15368). */
    addForeignCheckRun(run: Omit<CheckRun, "id">) {
      const created = { id: checkRuns.length + 1, ...run };
      checkRuns.push(created);
      return created;
    },
    /** A person's comment on a pull request, as GitHub lists it. */
    addComment(issue: number, login: string, body: string, at: Date, editedAt?: Date) {
      const comment = {
        id: 100 + comments.length,
        issue,
        body,
        user: { login, type: "User" },
        created_at: at.toISOString(),
        updated_at: (editedAt ?? at).toISOString(),
      };
      comments.push(comment);
      return comment;
    },
    addReview(pull: number, login: string, state: string, commitId: string, at: Date, body = "") {
      const review = {
        id: 500 + reviews.length,
        pull,
        user: { login, type: "User" },
        state,
        body,
        commit_id: commitId,
        submitted_at: at.toISOString(),
      };
      reviews.push(review);
      return review;
    },
    /** The pull request as `GET /pulls/{n}` returns it (comment events carry no head commit). */
    setPull(number: number, pull: unknown) {
      pulls.set(number, pull);
    },
    /** Calls made for the repository's content and reports (the token exchange excluded). */
    apiCalls: () => calls.filter((c) => !c.path.includes("/access_tokens")),
  };
  liveFakes.add(api);
  return api;
}

/** Every fake GitHub made in this test file, so test/setup.ts can check none was asked the unknown. */
const liveFakes = new Set<{ readonly unknownRoutes: string[] }>();

/**
 * The requests no fake GitHub had a route for since the last call, emptied as they are read. A
 * route a test leaves unanswered on purpose says so (`failNext`), so this is empty when all is well.
 */
export function takeUnknownRoutes(): string[] {
  const unknown: string[] = [];
  for (const fake of liveFakes) unknown.push(...fake.unknownRoutes.splice(0));
  return unknown;
}
