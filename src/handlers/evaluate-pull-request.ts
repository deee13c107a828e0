import type { Logger } from "probot";
import { sortFindings, warning } from "../core/findings.js";
import type { PublicKeyCache } from "../core/openpgp/public-key-cache.js";
import type { ApprovalCount } from "../core/policy/count-approvals.js";
import { evaluatorInProcess, type ChangeEvaluator } from "../core/worker/change-evaluator.js";
import { identityFindings, judgeIdentityBinding } from "../core/policy/judge-identity-binding.js";
import { lastHeadBreak } from "../core/policy/count-approvals.js";
import { parseApprovalRecord, type ApprovalRecord } from "../core/report/approval-record.js";
import { fetchHeadBreaks } from "../github/fetch-head-breaks.js";
import { renderCheckRun } from "../core/report/check-run-report.js";
import { renderStickyComment } from "../core/report/sticky-comment.js";
import type { BlobCache } from "../github/blob-cache.js";
import { fetchGithubGpgKeys } from "../github/fetch-github-gpg-keys.js";
import { fetchPullRequestDiscussion, type IssueComment } from "../github/fetch-pull-request-discussion.js";
import type { GitHubClient, RepoRef } from "../github/github-client.js";
import { listOwnCheckRuns, runsAfterHeadBreak } from "../github/list-own-check-runs.js";
import { loadPullRequestState } from "../github/load-pull-request-state.js";
import { fetchBranchHead } from "../github/fetch-branch-head.js";
import { publishPullRequestReports } from "../github/publish-pull-request-reports.js";
import type { RefLockTimings } from "../github/ref-lock.js";
import { findStickyComment } from "../github/upsert-sticky-comment.js";
import { countPullRequestApprovals } from "./count-pull-request-approvals.js";

export interface PullRequestTarget {
  readonly repo: RepoRef;
  readonly number: number;
  readonly headSha: string;
  readonly author: string;
  readonly defaultBranch: string;
  readonly htmlUrl: string;
  /** For a `synchronize` delivery: the head before the push, and who pushed (GitHub-signed). */
  readonly push?: { readonly before?: string; readonly by: string };
}

export interface EvaluationDeps {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly cache: BlobCache;
  readonly keyCache: PublicKeyCache;
  readonly now: () => Date;
  /** This app's own login: only its comments and issues are its own. */
  readonly botLogin: string;
  /** This app's id: only its check runs are its own. */
  readonly appId: number;
  /** How replicas wait for each other's lock refs (tests make it short). */
  readonly locks?: RefLockTimings;
  /** Where evaluations run (worker threads in a long-running bot); in this thread when absent. */
  readonly evaluator?: ChangeEvaluator;
}

export interface PullRequestVerdict {
  readonly approvals: ApprovalCount;
  readonly comments: IssueComment[];
}

/**
 * Judge a pull request and report it: load its state, evaluate it with the core, bind new keys to
 * their GitHub accounts, count the maintainers' approvals of its exact head, then publish the
 * `kaws` check run and the one sticky comment. Runs again, whole, on every review or command.
 */
export async function evaluatePullRequest(
  deps: EvaluationDeps,
  pull: PullRequestTarget,
  seen: ApprovalRecord = { cancels: [], editedComments: [], pushers: [] },
): Promise<PullRequestVerdict> {
  for (let round = 1; ; round++) {
    const judged = await judgeOnce(deps, pull, seen);
    if (!judged.wrote || round === ROUNDS) return judged.verdict;
    // Another replica may have judged newer input (a dismissal, a cancel) and written before this
    // write landed: what this evaluation read must still be what GitHub holds, or it judges again,
    // so a stale verdict is never the last word.
    const [discussion, authorityCommit] = await Promise.all([
      fetchPullRequestDiscussion(deps.octokit, pull.repo, pull.number, deps.botLogin),
      fetchBranchHead(deps.octokit, pull.repo, pull.defaultBranch),
    ]);
    if (inputsDigest(discussion, authorityCommit) === judged.inputs) return judged.verdict;
    deps.log.info(
      { pull: pull.number, round },
      "what the evaluation read changed while it wrote: judging again",
    );
  }
}

/** Judgements of one delivery, at most: each after the input changed under the one before. */
const ROUNDS = 3;

/** What an evaluation read that another delivery may change: the discussion and the authority. */
function inputsDigest(
  discussion: {
    reviews: readonly { id: number; state: string; commitId: string }[];
    comments: readonly IssueComment[];
  },
  authorityCommit: string,
): string {
  return JSON.stringify([
    authorityCommit,
    discussion.reviews.map((r) => [r.id, r.state, r.commitId]),
    discussion.comments.filter((c) => !c.byThisApp).map((c) => [c.id, c.body, c.updatedAt.getTime()]),
  ]);
}

async function judgeOnce(
  deps: EvaluationDeps,
  pull: PullRequestTarget,
  seen: ApprovalRecord,
): Promise<{ verdict: PullRequestVerdict; wrote: boolean; inputs: string }> {
  const { octokit, log, cache } = deps;
  const now = deps.now();
  const [state, discussion, ownRuns, previousRuns] = await Promise.all([
    loadPullRequestState(octokit, pull.repo, pull, cache),
    fetchPullRequestDiscussion(octokit, pull.repo, pull.number, deps.botLogin),
    listOwnCheckRuns(octokit, pull.repo, pull.headSha, deps.appId, pull.number),
    pull.push?.before === undefined ? [] : previousHeadRuns(deps, pull, pull.push.before),
  ]);
  // Force-pushes matter only to a run already there or to something said about approval: a new
  // pull request's first evaluation skips the call.
  const breaks =
    ownRuns.length > 0 || discussion.reviews.length > 0 || discussion.comments.some((c) => !c.isBot)
      ? await fetchHeadBreaks(octokit, pull.repo, pull.number)
      : [];
  const headBreak = lastHeadBreak(breaks);
  const current = runsAfterHeadBreak(ownRuns, headBreak);
  const evaluation = await (deps.evaluator ?? evaluatorInProcess(deps.keyCache)).evaluate({
    base: state.base,
    head: state.head,
    authority: state.authority,
    author: pull.author,
    now,
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

  const sticky = findStickyComment(discussion.comments);
  const maxAge = evaluation.config.approval_max_age_days;
  const { approvals, record } = await countPullRequestApprovals(octokit, pull.repo, {
    pull,
    discussion,
    ownRuns,
    records: [
      ...previousRuns.map((run) => parseApprovalRecord(run.summary)),
      seen,
      { cancels: [], editedComments: [], pushers: pushersOf(pull) },
    ],
    headBreak,
    authorities: [evaluation.config],
    required: evaluation.requiredApprovals,
    beneficiaries: evaluation.beneficiaries,
    notBefore: new Date(now.getTime() - maxAge * 86_400_000),
  });

  const report = renderCheckRun({
    evaluation,
    findings,
    bindings,
    headSha: pull.headSha,
    headPaths: new Set(state.head.keys()),
    approvals,
    record,
  });
  const stickyBody =
    evaluation.kind !== "none" || sticky !== undefined
      ? renderStickyComment({ evaluation, findings, bindings, headSha: pull.headSha, approvals })
      : undefined;
  const { checkRun, comment } = await publishPullRequestReports(
    deps,
    pull,
    { checkRun: report, stickyBody },
    {
      currentRuns: current,
      headBreak,
      comments: discussion.comments,
      authorityCommit: state.authorityCommit,
    },
  );
  log.info(
    {
      pull: pull.number,
      headSha: pull.headSha,
      kind: evaluation.kind,
      conclusion: report.conclusion,
      errors: findings.filter((f) => f.severity === "error").length,
      approvers: approvals.approvers,
      checkRun,
      comment,
    },
    "evaluated pull request",
  );
  return {
    verdict: { approvals, comments: discussion.comments },
    wrote: checkRun !== "unchanged" || (comment !== "unchanged" && comment !== "skipped"),
    inputs: inputsDigest(discussion, state.authorityCommit),
  };
}

/** The bot's runs on the head before a push, to carry what they recorded; none if GitHub forgot it. */
async function previousHeadRuns(deps: EvaluationDeps, pull: PullRequestTarget, before: string) {
  try {
    return await listOwnCheckRuns(deps.octokit, pull.repo, before, deps.appId, pull.number);
  } catch (cause) {
    const status = (cause as { status?: number }).status;
    if (status === 404 || status === 422) return [];
    throw cause;
  }
}

/** Who pushed this head, when it is not the author (who never approves anyway). */
function pushersOf(pull: PullRequestTarget): string[] {
  const by = pull.push?.by.toLowerCase();
  return by === undefined || by === pull.author.toLowerCase() ? [] : [by];
}
