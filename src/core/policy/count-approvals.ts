import { uniqueBy } from "../unique-by.js";

/**
 * A review or comment as the approval rules see it (read from GitHub by the adapters). Times are
 * GitHub's own (`submitted_at`, `created_at`), never the bot's clock. A `recorded` cancel is one the
 * bot saw and wrote into its own check run: editing or deleting the comment cannot undo it.
 */
export type ApprovalSignal =
  | {
      kind: "review";
      login: string;
      at: Date;
      commitId: string;
      state: "approved" | "changes_requested" | "dismissed" | "commented";
    }
  | {
      kind: "comment";
      login: string;
      at: Date;
      edited: boolean;
      command: "approve" | "cancel";
      /** `/kaws approve <sha>`: the commit it names (a prefix of 7+ hex digits). */
      sha?: string;
    };

export interface ApprovalCount {
  /** Maintainers whose approval counts for the head commit, sorted. */
  readonly approvers: string[];
  readonly required: number;
  readonly satisfied: boolean;
  /** Approvals that count for nothing, and why, to tell people. */
  readonly ignored: { login: string; reason: string }[];
}

export interface ApprovalRules {
  readonly signals: readonly ApprovalSignal[];
  readonly headSha: string;
  /**
   * Since when (GitHub's time) the bot has reported the head without interruption: its first own
   * check run on the head, or the last force-push after it. Null when it cannot be said for sure.
   */
  readonly headReportedSince: Date | null;
  /** Logins that never count, with the reason: the author, and whoever the change gives access. */
  readonly excluded: ReadonlyMap<string, string>;
  readonly isMaintainer: (login: string) => boolean;
  readonly required: number;
  /** Approvals given before this moment count for nothing (`approval_max_age_days`). */
  readonly notBefore?: Date;
  readonly maxAgeDays?: number;
}

/**
 * Count the distinct maintainer approvals of one exact head commit (DESIGN 4.1). An `APPROVED`
 * review counts for its own commit; `/kaws approve <sha>` for the commit it names; a bare
 * `/kaws approve` for the head only when the bot had reported it, without interruption, before the
 * comment was written. Excluded logins never count; an edited approval comment never counts; a
 * dismissed review, a later "changes requested" or `/kaws approve cancel` (even edited or deleted
 * since, once recorded) withdraws that person's earlier approvals.
 */
export function countApprovals(input: ApprovalRules): ApprovalCount {
  const approvedCommits = new Map<string, Set<string>>();
  const ignored: { login: string; reason: string }[] = [];
  const ordered = [...input.signals].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const signal of ordered) {
    const login = signal.login.toLowerCase();
    const approvals = approvedCommits.get(login) ?? new Set<string>();
    approvedCommits.set(login, approvals);
    if (!wantsToApprove(signal)) {
      withdraw(signal, approvals);
      continue;
    }
    const refusal = refuse(input, signal, login);
    if (refusal !== null) {
      ignored.push({ login, reason: refusal });
      continue;
    }
    approvals.add(commitOf(signal, input.headSha));
  }
  const approvers: string[] = [];
  for (const [login, commits] of approvedCommits) {
    if (commits.has(input.headSha)) approvers.push(login);
    else if (commits.size > 0)
      ignored.push({
        login,
        reason: `approved another commit (${[...commits].map((c) => c.slice(0, 12)).join(", ")}), not the head ${input.headSha.slice(0, 12)}; a push after an approval needs a new one`,
      });
  }
  approvers.sort();
  return {
    approvers,
    required: input.required,
    satisfied: approvers.length >= input.required,
    // someone whose approval counts needs no word about an earlier one that did not
    ignored: uniqueBy(
      ignored.filter((i) => !approvers.includes(i.login)),
      (i) => `${i.login}\u0000${i.reason}`,
    ),
  };
}

function wantsToApprove(signal: ApprovalSignal): boolean {
  return signal.kind === "review" ? signal.state === "approved" : signal.command === "approve";
}

/** A dismissal withdraws that review's commit; changes requested or a cancel, everything before it. */
function withdraw(signal: ApprovalSignal, approvals: Set<string>): void {
  if (signal.kind === "comment") approvals.clear();
  else if (signal.state === "changes_requested") approvals.clear();
  else if (signal.state === "dismissed") approvals.delete(signal.commitId);
}

/** Why an approving signal counts for nothing, or null when it counts for its commit. */
function refuse(input: ApprovalRules, signal: ApprovalSignal, login: string): string | null {
  const excluded = input.excluded.get(login);
  if (excluded !== undefined) return excluded;
  if (!input.isMaintainer(login))
    return "only maintainers (from the default branch's .github/kaws.yml) can approve";
  if (signal.kind === "comment" && signal.edited)
    return "an edited comment does not count: write a new `/kaws approve`";
  if (input.notBefore !== undefined && signal.at.getTime() < input.notBefore.getTime())
    return `it is older than approval_max_age_days (${input.maxAgeDays ?? "?"} days) at the merge: approve again`;
  if (signal.kind === "comment" && signal.sha === undefined) {
    const since = input.headReportedSince;
    if (since === null || signal.at.getTime() < since.getTime())
      return `it cannot be bound for sure to the head ${input.headSha.slice(0, 12)} (written before the bot reported it, or the branch was force-pushed since): write \`/kaws approve ${input.headSha.slice(0, 12)}\` or approve with a review`;
  }
  return null;
}

/** The commit an approving signal names: a review's own, a named sha, or the reported head. */
function commitOf(signal: ApprovalSignal, headSha: string): string {
  if (signal.kind === "review") return signal.commitId;
  if (signal.sha !== undefined) return headSha.startsWith(signal.sha) ? headSha : signal.sha;
  return headSha;
}

/**
 * Since when the bot has reported the head for sure: its first own check run on the head (GitHub's
 * `started_at`), or the last event after which the head may have come back to an older commit
 * (force-push, branch restored, reopened) when that is later. Null when the bot never reported it.
 */
export function headReportedSince(ownRunStarts: readonly Date[], headBreaks: readonly Date[]): Date | null {
  if (ownRunStarts.length === 0) return null;
  const first = Math.min(...ownRunStarts.map((d) => d.getTime()));
  const lastBreak = Math.max(first, ...headBreaks.map((d) => d.getTime()));
  return new Date(lastBreak);
}
