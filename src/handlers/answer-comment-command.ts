import { HELP_TEXT, type KawsCommand } from "../core/policy/kaws-commands.js";
import { fetchDefaultBranchConfig } from "../github/fetch-default-branch-config.js";
import { fetchPullRequestDiscussion, type IssueComment } from "../github/fetch-pull-request-discussion.js";
import { replyOnce } from "../github/reply-once.js";
import { resolveMaintainers } from "../github/resolve-maintainers.js";
import { evaluatePullRequest, type EvaluationDeps, type PullRequestTarget } from "./evaluate-pull-request.js";

export interface CommandComment {
  readonly id: number;
  readonly login: string;
  readonly action: "created" | "edited" | "deleted";
}

/**
 * A `/kaws` command in a pull request comment. Approvals re-run the whole evaluation (a deleted or
 * edited comment withdraws what it said) and the commenter is told when theirs counts for nothing;
 * other commands are for maintainers, and anyone else gets a polite refusal. Each reply is written once.
 */
export async function answerCommentCommand(
  deps: EvaluationDeps,
  pull: PullRequestTarget,
  comment: CommandComment,
  command: KawsCommand,
): Promise<void> {
  const { octokit } = deps;
  if (command.name === "approve" || command.name === "approve-cancel") {
    const verdict = await evaluatePullRequest(deps, pull);
    if (comment.action !== "created" || command.name !== "approve") return;
    const why = verdict.approvals.ignored.find((item) => item.login === comment.login.toLowerCase());
    if (why !== undefined)
      await replyOnce(
        octokit,
        pull.repo,
        pull.number,
        comment,
        `your approval counts for nothing: ${why.reason}.`,
        verdict.comments,
      );
    return;
  }
  if (comment.action !== "created") return;
  const [config, discussion] = await Promise.all([
    fetchDefaultBranchConfig(octokit, pull.repo, pull.defaultBranch),
    fetchPullRequestDiscussion(octokit, pull.repo, pull.number),
  ]);
  const reply = (text: string) =>
    replyOnce(octokit, pull.repo, pull.number, comment, text, discussion.comments);
  if (config === null) {
    await reply(
      "the default branch's `.github/kaws.yml` is invalid, so nobody can run commands until it is fixed.",
    );
    return;
  }
  const maintainers = await resolveMaintainers(octokit, pull.repo.owner, config, [comment.login]);
  if (!maintainers.has(comment.login.toLowerCase())) {
    await reply(
      "thanks — `/kaws` commands are for the maintainers listed in the default branch's `.github/kaws.yml`, so this one was not run.",
    );
    return;
  }
  switch (command.name) {
    case "help":
      await reply(`\n\n${HELP_TEXT}`);
      return;
    case "unknown":
      await reply(`\`/kaws ${command.text}\` is not a command.\n\n${HELP_TEXT}`);
      return;
    default:
      await reply(
        `\`/kaws ${command.name}\` is not available in this version of kaws-bot yet; nothing was done.`,
      );
  }
}

export type { IssueComment };
