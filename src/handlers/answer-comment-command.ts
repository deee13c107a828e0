import { HELP_TEXT, MAX_COMMAND_BODY, type KawsCommand } from "../core/policy/kaws-commands.js";
import { EMPTY_RECORD, type ApprovalRecord } from "../core/report/approval-record.js";
import { fetchDefaultBranchConfig } from "../github/fetch-default-branch-config.js";
import { fetchPullRequestDiscussion, type IssueComment } from "../github/fetch-pull-request-discussion.js";
import type { RepoRef } from "../github/github-client.js";
import { replyOnce } from "../github/reply-once.js";
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
  if ((command.name === "approve" || command.name === "approve-cancel") && target.pull !== undefined) {
    const verdict = await evaluatePullRequest(deps, target.pull, seen);
    if (comment.action !== "created" || command.name !== "approve") return;
    const why = verdict.approvals.ignored.find((item) => item.login === comment.login.toLowerCase());
    if (why !== undefined)
      await replyOnce(
        octokit,
        target.repo,
        target.issueNumber,
        comment,
        `your approval counts for nothing: ${why.reason}.`,
        verdict.comments,
      );
    return;
  }
  if (comment.action !== "created") return;
  const [config, discussion] = await Promise.all([
    fetchDefaultBranchConfig(octokit, target.repo, target.defaultBranch),
    fetchPullRequestDiscussion(octokit, target.repo, target.issueNumber, deps.botLogin),
  ]);
  const reply = (text: string) =>
    replyOnce(octokit, target.repo, target.issueNumber, comment, text, discussion.comments);
  if (config === null) {
    await reply(
      "the default branch's `.github/kaws.yml` is invalid, so nobody can run commands until it is fixed.",
    );
    return;
  }
  const maintainers = await resolveMaintainers(octokit, target.repo.owner, config, [comment.login]);
  if (!maintainers.has(comment.login.toLowerCase())) {
    await reply(
      "thanks — `/kaws` commands are for the maintainers listed in the default branch's `.github/kaws.yml`, so this one was not run.",
    );
    return;
  }
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

export type { IssueComment };
