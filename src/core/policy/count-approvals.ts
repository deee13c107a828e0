import { uniqueBy } from "../unique-by.js";

/** A review or comment as the approval rules see it (read from GitHub by the adapters). */
export type ApprovalSignal =
  | {
      kind: "review";
      login: string;
      at: Date;
      commitId: string;
      state: "approved" | "changes_requested" | "dismissed" | "commented";
      approveCommand: boolean;
    }
  | { kind: "comment"; login: string; at: Date; edited: boolean; command: "approve" | "cancel" };

/** When the bot reported which head commit (the check run and sticky comment), oldest first. */
export interface ReportedHead {
  readonly sha: string;
  readonly at: Date;
}

export interface ApprovalCount {
  /** Maintainers whose approval counts for the head commit, sorted. */
  readonly approvers: string[];
  readonly required: number;
  readonly satisfied: boolean;
  /** Approvals that count for nothing, and why, to tell people. */
  readonly ignored: { login: string; reason: string }[];
}

/**
 * Count the distinct maintainer approvals of one exact head commit. A review counts for its own
 * commit; a `/kaws approve` comment for the head the bot had last reported before the comment was
 * written. The author never counts; an edited comment never counts; a dismissed review, a later
 * "changes requested" or `/kaws approve cancel` withdraws that person's approval.
 */
export function countApprovals(input: {
  signals: readonly ApprovalSignal[];
  reported: readonly ReportedHead[];
  headSha: string;
  author: string;
  isMaintainer: (login: string) => boolean;
  required: number;
}): ApprovalCount {
  const author = input.author.toLowerCase();
  const approvedCommits = new Map<string, Set<string>>();
  const ignored: { login: string; reason: string }[] = [];
  const ordered = [...input.signals].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const signal of ordered) {
    const login = signal.login.toLowerCase();
    const commit = signal.kind === "review" ? signal.commitId : reportedBefore(input.reported, signal.at);
    const wantsToApprove =
      signal.kind === "review"
        ? signal.state === "approved" || signal.approveCommand
        : signal.command === "approve";
    if (wantsToApprove && login === author) {
      ignored.push({ login, reason: "the author of a change cannot approve it" });
      continue;
    }
    if (wantsToApprove && !input.isMaintainer(login)) {
      ignored.push({
        login,
        reason: "only maintainers (from the default branch's .github/kaws.yml) can approve",
      });
      continue;
    }
    if (signal.kind === "comment" && signal.edited) {
      if (wantsToApprove)
        ignored.push({ login, reason: "an edited comment does not count: write a new `/kaws approve`" });
      continue;
    }
    const approvals = approvedCommits.get(login) ?? new Set<string>();
    approvedCommits.set(login, approvals);
    if (wantsToApprove) {
      if (commit === null)
        ignored.push({ login, reason: "the approval came before the bot reported any commit" });
      else approvals.add(commit);
    } else if (
      signal.kind === "comment" ||
      signal.state === "changes_requested" ||
      signal.state === "dismissed"
    ) {
      if (signal.kind === "review" && signal.state === "dismissed") approvals.delete(signal.commitId);
      else approvals.clear();
    }
  }
  const approvers: string[] = [];
  for (const [login, commits] of approvedCommits) {
    if (commits.has(input.headSha)) approvers.push(login);
    else if (commits.size > 0)
      ignored.push({
        login,
        reason: `approved an earlier commit (${[...commits].map((c) => c.slice(0, 12)).join(", ")}); a push after an approval needs a new one`,
      });
  }
  approvers.sort();
  return {
    approvers,
    required: input.required,
    satisfied: approvers.length >= input.required,
    ignored: uniqueBy(ignored, (i) => `${i.login}\u0000${i.reason}`),
  };
}

/** The head the bot had last reported at a moment, or null when it had reported none yet. */
export function reportedBefore(reported: readonly ReportedHead[], at: Date): string | null {
  let last: string | null = null;
  for (const head of reported) if (head.at.getTime() <= at.getTime()) last = head.sha;
  return last;
}
