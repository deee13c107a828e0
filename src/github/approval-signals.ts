import type { ApprovalSignal } from "../core/policy/count-approvals.js";
import { parseKawsCommand } from "../core/policy/kaws-commands.js";
import type { ApprovalRecord, CancelRecord } from "../core/report/approval-record.js";
import type { IssueComment, Review } from "./fetch-pull-request-discussion.js";

const REVIEW_STATES: Record<string, "approved" | "changes_requested" | "dismissed" | "commented"> = {
  APPROVED: "approved",
  CHANGES_REQUESTED: "changes_requested",
  DISMISSED: "dismissed",
  COMMENTED: "commented",
};

/**
 * GitHub's reviews and comments as approval signals, plus the cancels the bot recorded itself.
 * A review approves only by its state (its body, which can be edited, never does); bots' comments
 * and pending reviews say nothing.
 */
export function approvalSignals(
  reviews: readonly Review[],
  comments: readonly IssueComment[],
  record: Pick<ApprovalRecord, "cancels" | "editedComments"> = { cancels: [], editedComments: [] },
): ApprovalSignal[] {
  const editedIds = new Set(record.editedComments);
  const signals: ApprovalSignal[] = [];
  for (const review of reviews) {
    const state = REVIEW_STATES[review.state];
    if (state === undefined) continue;
    signals.push({
      kind: "review",
      login: review.login,
      at: review.submittedAt,
      commitId: review.commitId,
      state,
    });
  }
  for (const comment of comments) {
    if (comment.isBot) continue;
    const command = parseKawsCommand(comment.body);
    if (command?.name !== "approve" && command?.name !== "approve-cancel") continue;
    signals.push({
      kind: "comment",
      login: comment.login,
      at: comment.createdAt,
      edited: comment.updatedAt.getTime() > comment.createdAt.getTime() || editedIds.has(comment.id),
      ...(command.name === "approve"
        ? { command: "approve", ...(command.sha === undefined ? {} : { sha: command.sha }) }
        : { command: "cancel" }),
    });
  }
  for (const cancel of record.cancels)
    signals.push({ kind: "comment", login: cancel.login, at: cancel.at, edited: false, command: "cancel" });
  return signals;
}

/** The cancels among the comments, as the bot records them. */
export function cancelsIn(comments: readonly IssueComment[]): CancelRecord[] {
  return comments
    .filter((c) => !c.isBot && parseKawsCommand(c.body)?.name === "approve-cancel")
    .map((c) => ({ login: c.login.toLowerCase(), at: c.createdAt }));
}
