import type { Logger } from "probot";
import { sortFindings, warning } from "../core/findings.js";
import type { PublicKeyCache } from "../core/openpgp/public-key-cache.js";
import { evaluateChange } from "../core/policy/evaluate-change.js";
import { identityFindings, judgeIdentityBinding } from "../core/policy/judge-identity-binding.js";
import { renderCheckRun } from "../core/report/check-run-report.js";
import { renderStickyComment } from "../core/report/sticky-comment.js";
import type { BlobCache } from "../github/blob-cache.js";
import { fetchGithubGpgKeys } from "../github/fetch-github-gpg-keys.js";
import type { GitHubClient, RepoRef } from "../github/github-client.js";
import { loadPullRequestState } from "../github/load-pull-request-state.js";
import { publishCheckRun } from "../github/publish-check-run.js";
import { upsertStickyComment } from "../github/upsert-sticky-comment.js";

export interface PullRequestTarget {
  readonly repo: RepoRef;
  readonly number: number;
  readonly headSha: string;
  readonly author: string;
  readonly defaultBranch: string;
  readonly htmlUrl: string;
}

export interface EvaluationDeps {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly cache: BlobCache;
  readonly keyCache: PublicKeyCache;
  readonly now: () => Date;
}

/**
 * Judge a pull request and report it: load its state, evaluate it with the core, bind new keys to
 * their GitHub accounts, then publish the `kaws` check run and the one sticky comment.
 */
export async function evaluatePullRequest(deps: EvaluationDeps, pull: PullRequestTarget): Promise<void> {
  const { octokit, log, cache } = deps;
  const state = await loadPullRequestState(octokit, pull.repo, pull, cache);
  const evaluation = await evaluateChange({
    base: state.base,
    head: state.head,
    authority: state.authority,
    author: pull.author,
    now: deps.now(),
    keyCache: deps.keyCache,
  });
  const bindings = await Promise.all(
    evaluation.changedKeys.map(async (changed) =>
      judgeIdentityBinding(changed.login, changed.key, await fetchGithubGpgKeys(octokit, changed.login)),
    ),
  );
  const required = evaluation.config.identity.require_github_gpg_key;
  const unscanned = state.unscanned.map((path) =>
    warning(
      "secret.not-scanned",
      path,
      "changed, but too large (or one file too many) to scan for private keys here: run `npx kaws verify`",
    ),
  );
  const findings = sortFindings([
    ...evaluation.findings,
    ...bindings.flatMap((b) => identityFindings(b, required)),
    ...unscanned,
  ]);
  const report = renderCheckRun({
    evaluation,
    findings,
    bindings,
    headSha: pull.headSha,
    headPaths: new Set(state.head.keys()),
  });
  const checkRun = await publishCheckRun(octokit, pull.repo, pull.headSha, report, pull.htmlUrl);
  let comment = "skipped";
  if (evaluation.kind !== "none") {
    const body = renderStickyComment({ evaluation, findings, bindings, headSha: pull.headSha });
    comment = await upsertStickyComment(octokit, pull.repo, pull.number, body);
  }
  log.info(
    {
      pull: pull.number,
      headSha: pull.headSha,
      kind: evaluation.kind,
      conclusion: report.conclusion,
      errors: findings.filter((f) => f.severity === "error").length,
      checkRun,
      comment,
    },
    "evaluated pull request",
  );
}
