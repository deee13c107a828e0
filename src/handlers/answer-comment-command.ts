import { HELP_TEXT, MAX_COMMAND_BODY, type KawsCommand } from "../core/policy/kaws-commands.js";
import { EMPTY_RECORD, type ApprovalRecord } from "../core/report/approval-record.js";
import { fetchDefaultBranchConfig } from "../github/fetch-default-branch-config.js";
import { fetchPullRequestDiscussion, type IssueComment } from "../github/fetch-pull-request-discussion.js";
import type { RepoRef } from "../github/github-client.js";
import { replyOnce } from "../github/reply-once.js";
import type { KawsConfig } from "../core/config/kaws-config.js";
import { ONLY_MAINTAINERS_APPROVE } from "../core/policy/count-approvals.js";
import { AUTHOR_CANNOT_APPROVE } from "./count-pull-request-approvals.js";
import { resolveMaintainers } from "../github/resolve-maintainers.js";
import { evaluatePullRequest, type EvaluationDeps, type PullRequestTarget } from "./evaluate-pull-request.js";

export interface CommandComment {
  readonly id: number;
  readonly login: string;
  readonly action: "created" | "edited" | "deleted";
}

export interface CommandTarget {
  readonly repo: RepoRef;
  readonly issueNumber: number;
  readonly defaultBranch: string;
  /** Present when the comment is on a pull request. */
  readonly pull?: PullRequestTarget;
}

export interface CommandDeps extends EvaluationDeps {
  /** Run the reconciler on the default branch (for `/kaws reencrypt`). */
  readonly reconcile: () => Promise<"committed" | "proposed" | "nothing">;
  /** Open a rotation pull request (for `/kaws rotate <cluster>`); says what it did. */
  readonly rotate: (cluster: string) => Promise<string>;
  /** Dispatch provisioning of a cluster at the default branch's head (for `/kaws provision <cluster>`); says what it did. */
  readonly provision: (cluster: string) => Promise<string>;
}

/**
 * A `/kaws` command in a comment. Approvals re-run the pull request's evaluation (a deleted or
 * edited comment withdraws what it said) and the commenter is told when theirs counts for nothing;
 * other commands are for maintainers, and anyone else gets a polite refusal. Each reply is written once.
 */
export async function answerCommentCommand(
  deps: CommandDeps,
  target: CommandTarget,
  comment: CommandComment,
  command: KawsCommand,
  seen: ApprovalRecord = EMPTY_RECORD,
): Promise<void> {
  const { octokit } = deps;
  const approval = command.name === "approve" || command.name === "approve-cancel";
  if (comment.action !== "created" && !approval) return;
  const config = await fetchDefaultBranchConfig(octokit, target.repo, target.defaultBranch);
  const maintainer =
    config !== null &&
    (await resolveMaintainers(octokit, target.repo.owner, config, [comment.login])).has(
      comment.login.toLowerCase(),
    );
  if (approval && target.pull !== undefined && maintainer) {
    await judgeApproval(deps, target, target.pull, comment, command, seen);
    return;
  }
  // Anyone else's command changes nothing, so nothing is judged again for it (a stream of
  // `/kaws` comments costs a read each, not an evaluation), and anyone is answered at most once an
  // hour per issue: the bot's own replies, on GitHub, say when it last answered them.
  if (comment.action !== "created" || (command.name === "approve-cancel" && target.pull !== undefined))
    return;
  const discussion = await fetchPullRequestDiscussion(
    octokit,
    target.repo,
    target.issueNumber,
    deps.botLogin,
  );
  const reply = (text: string) =>
    replyOnce(octokit, target.repo, target.issueNumber, comment, text, discussion.comments);
  if (!maintainer) {
    const refusal = refusalFor(config, target, comment, command);
    if (answeredWithin(discussion.comments, comment.login, REFUSAL_EVERY_MS, deps.now()))
      deps.log.info(
        { login: comment.login, issue: target.issueNumber },
        "refused again within the hour: not answered",
      );
    else await reply(`${refusal}${refusedMarker(comment.login)}`);
    return;
  }
  await runCommand(deps, command, reply);
}

/** A maintainer's command other than an approval on a pull request, answered in one reply. */
async function runCommand(
  deps: CommandDeps,
  command: KawsCommand,
  reply: (text: string) => Promise<boolean>,
): Promise<void> {
  switch (command.name) {
    case "too-long":
      await reply(
        `this comment is over ${MAX_COMMAND_BODY / 1024} KiB, so the bot did not read it: write the command in a short comment of its own.`,
      );
      return;
    case "help":
      await reply(`\n\n${HELP_TEXT}`);
      return;
    case "approve":
    case "approve-cancel":
      await reply("approvals are given on a pull request, for its current commit.");
      return;
    case "reencrypt": {
      const result = await deps.reconcile();
      const said = {
        committed: "done: the default branch is reconciled in one commit.",
        proposed: "the default branch refused the bot's commit: it opened a pull request with it.",
        nothing:
          "nothing to do: every key is already encrypted to exactly `pubkeys/` and the bot, and nothing else is owed.",
      };
      await reply(said[result]);
      return;
    }
    case "provision":
      await reply(await deps.provision(command.cluster));
      return;
    case "rotate":
      await reply(await deps.rotate(command.cluster));
      return;
    case "unknown":
      await reply(`\`/kaws ${command.text}\` is not a command.\n\n${HELP_TEXT}`);
      return;
  }
}

/** A maintainer's approval or cancel: the pull request judged again, and a word when it counts for nothing. */
async function judgeApproval(
  deps: CommandDeps,
  target: CommandTarget,
  pull: PullRequestTarget,
  comment: CommandComment,
  command: KawsCommand,
  seen: ApprovalRecord,
): Promise<void> {
  const verdict = await evaluatePullRequest(deps, pull, seen);
  if (comment.action !== "created" || command.name !== "approve") return;
  const why = verdict.approvals.ignored.find((item) => item.login === comment.login.toLowerCase());
  if (why !== undefined)
    await replyOnce(
      deps.octokit,
      target.repo,
      target.issueNumber,
      comment,
      `your approval counts for nothing: ${why.reason}.`,
      verdict.comments,
    );
}

/** How often one person's refused commands on one issue are answered. */
const REFUSAL_EVERY_MS = 60 * 60_000;

const refusedMarker = (login: string) => `\n<!-- kaws-bot:refused:${login.toLowerCase()} -->`;

/** Whether this app answered a refused command of `login` on this issue within `ms`. */
function answeredWithin(comments: readonly IssueComment[], login: string, ms: number, now: Date): boolean {
  const marker = refusedMarker(login).trim();
  return comments.some(
    (c) => c.byThisApp && c.body.includes(marker) && now.getTime() - c.createdAt.getTime() < ms,
  );
}

/** Why a command of someone who is not a maintainer (or of anyone, under an invalid config) was not run. */
function refusalFor(
  config: KawsConfig | null,
  target: CommandTarget,
  comment: CommandComment,
  command: KawsCommand,
): string {
  if (config === null)
    return "the default branch's `.github/kaws.yml` is invalid, so nobody can run commands until it is fixed.";
  if (command.name !== "approve" || target.pull === undefined)
    return "thanks — `/kaws` commands are for the maintainers listed in the default branch's `.github/kaws.yml`, so this one was not run.";
  const reason =
    comment.login.toLowerCase() === target.pull.author.toLowerCase()
      ? AUTHOR_CANNOT_APPROVE
      : ONLY_MAINTAINERS_APPROVE;
  return `your approval counts for nothing: ${reason}.`;
}

export type { IssueComment };
