/**
 * Moves the scenario does not offer (a plain push of an existing
 * commit, a PR #8 on the same fake GitHub, a merge of an arbitrary head), built only from the
 * fixture's public parts so the fake behaves exactly as in the other tests.
 */
import type { Files } from "./build-repo.js";
import { pullRequestPayload, pushPayload } from "./probot.js";
import type { pullRequestScenario } from "./pull-request-scenario.js";

export type Scenario = Awaited<ReturnType<typeof pullRequestScenario>>;

/** The files of a commit of the fake repository, as a Files map. */
export function filesOf(s: Scenario, sha: string): Files {
  const commit = s.repo.required(sha);
  return Object.fromEntries([...commit.files].map(([p, f]) => [p, s.repo.blobs.get(f.oid)!]));
}

/** A commit on top of `parent` with `files` changed, exactly as the scenario's `push` would build it. */
export function childCommit(s: Scenario, parent: string, files: Files, remove: string[] = []): string {
  const tree = { ...filesOf(s, parent), ...files };
  for (const path of remove) delete tree[path];
  return s.repo.commit(tree, {}, [parent]);
}

/** The bot's latest own check run on `sha` (app 123), whatever PR it was written for. */
export function verdictOn(s: Scenario, sha: string) {
  return s.github.checkRuns.filter((r) => r.head_sha === sha && r.app.id === 123).at(-1);
}

/**
 * A pull request `number` (default 7) gets head `sha` by a plain (fast-forward) push at `at`: GitHub
 * records no force-push event and delivers `synchronize`.
 */
export async function plainPushTo(
  s: Scenario,
  sha: string,
  at: Date,
  opts: { number?: number; author?: string; action?: string } = {},
) {
  s.setClock(at);
  const pull = pullRequestPayload({
    action: opts.action ?? "synchronize",
    number: opts.number ?? 7,
    headSha: sha,
    baseSha: s.baseSha,
    author: opts.author ?? "erin",
  });
  s.github.setPull(opts.number ?? 7, pull.pull_request);
  await s.deliver("pull_request", pull);
  return pull;
}

/** GitHub squash-merges PR `number` whose final head is `headSha` into main at `at`, and delivers the push. */
export async function mergeHead(
  s: Scenario,
  headSha: string,
  at: Date,
  opts: { number?: number; author?: string; baseSha?: string } = {},
) {
  s.setClock(at);
  const number = opts.number ?? 7;
  const author = opts.author ?? "erin";
  const main = s.github.refs.get("heads/main")!;
  const squash = s.repo.commit(filesOf(s, headSha), {}, [main], `Merge (#${number})`);
  s.github.refs.set("heads/main", squash);
  const pull = pullRequestPayload({ number, headSha, baseSha: s.baseSha, author });
  s.github.setCommitPulls(squash, [
    {
      number,
      merged_at: at.toISOString(),
      base: { ref: "main", sha: opts.baseSha ?? s.baseSha },
      head: { sha: headSha },
      user: { login: author },
      html_url: pull.pull_request.html_url,
    },
  ]);
  const changed = s.repo.diff(main, squash).map((f) => f.filename);
  await s.deliver(
    "push",
    pushPayload({ pull, before: main, after: squash, commits: [{ id: squash, modified: changed }] }),
  );
  return squash;
}
