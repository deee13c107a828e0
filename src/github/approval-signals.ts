import type { ApprovalSignal } from "../core/policy/count-approvals.js";
import { parseKawsCommand } from "../core/policy/kaws-commands.js";
import type { IssueComment, Review } from "./fetch-pull-request-discussion.js";

const REVIEW_STATES: Record<string, "approved" | "changes_requested" | "dismissed" | "commented"> = {
  APPROVED: "approved",
  CHANGES_REQUESTED: "changes_requested",
  DISMISSED: "dismissed",
  COMMENTED: "commented",
};

/** GitHub's reviews and comments as approval signals; bots' comments and pending reviews say nothing. */
export function approvalSignals(
  reviews: readonly Review[],
  comments: readonly IssueComment[],
): ApprovalSignal[] {
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
      approveCommand: parseKawsCommand(review.body)?.name === "approve",
    });
  }
  for (const comment of comments) {
    if (comment.isBot) continue;
    const command = parseKawsCommand(comment.body)?.name;
    if (command !== "approve" && command !== "approve-cancel") continue;
    signals.push({
      kind: "comment",
      login: comment.login,
      at: comment.createdAt,
      edited: comment.updatedAt.getTime() > comment.createdAt.getTime(),
      command: command === "approve" ? "approve" : "cancel",
    });
  }
  return signals;
}
