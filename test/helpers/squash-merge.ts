import type { Files } from "./build-repo.js";
import type { FakeRepo } from "./fake-repo.js";
import { pushPayload, type pullRequestPayload } from "./probot.js";

/**
 * GitHub squash-merges a pull request at `mergedAt`: one commit on top of the base holding `files`,
 * the default branch moved to it, the pull request GitHub associates with it, and the push
 * delivery it sends (listing `added`).
 */
export function squashMerge(
  github: { refs: Map<string, string>; setCommitPulls(sha: string, pulls: unknown[]): void },
  repo: FakeRepo,
  merge: {
    pull: ReturnType<typeof pullRequestPayload>;
    baseSha: string;
    headSha: string;
    files: Files;
    added: string[];
    mergedAt: Date;
    message: string;
  },
) {
  const squash = repo.commit(merge.files, {}, [merge.baseSha], merge.message);
  github.refs.set("heads/main", squash);
  github.setCommitPulls(squash, [
    {
      number: merge.pull.pull_request.number,
      merged_at: merge.mergedAt.toISOString(),
      base: { ref: "main", sha: merge.baseSha },
      head: { sha: merge.headSha },
      user: { login: merge.pull.pull_request.user.login },
      html_url: merge.pull.pull_request.html_url,
    },
  ]);
  const push = pushPayload({
    pull: merge.pull,
    before: merge.baseSha,
    after: squash,
    commits: [{ id: squash, added: merge.added }],
  });
  return { squash, push };
}
