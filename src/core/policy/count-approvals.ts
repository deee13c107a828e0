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
      /** `/kaws approve <sha>`: the commit it names, all 40 hex digits. */
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
  /**
   * The last time the head may have jumped back to an older commit (force-push, branch restored,
   * reopened): approvals given until then count for nothing, so nothing said of one head carries
   * over to another that reuses an old commit.
   */
  readonly headBreak?: Date | null;
  /** Approvals given after this count for nothing (the merge: a merged change is not approved later). */
  readonly notAfter?: Date;
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

/**
 * A cancel, changes requested or a dismissal withdraws everything that person approved before it:
 * GitHub lists a dismissed review only as DISMISSED, so a dismissed "changes requested" must not
 * bring back the approvals it had withdrawn.
 */
function withdraw(signal: ApprovalSignal, approvals: Set<string>): void {
  if (signal.kind === "comment" || signal.state === "changes_requested" || signal.state === "dismissed")
    approvals.clear();
}

/** Why an approving signal counts for nothing, or null when it counts for its commit. */
/** Why a non-maintainer's approval never counts. */
export const ONLY_MAINTAINERS_APPROVE =
  "only maintainers (from the default branch's .github/kaws.yml) can approve";

function refuse(input: ApprovalRules, signal: ApprovalSignal, login: string): string | null {
  const excluded = input.excluded.get(login);
  if (excluded !== undefined) return excluded;
  if (!input.isMaintainer(login)) return ONLY_MAINTAINERS_APPROVE;
  if (signal.kind === "comment" && signal.edited)
    return "an edited comment does not count: write a new `/kaws approve`";
  if (input.notBefore !== undefined && signal.at.getTime() < input.notBefore.getTime())
    return `it is older than approval_max_age_days (${input.maxAgeDays ?? "?"} days) at the merge: approve again`;
  if (input.notAfter !== undefined && signal.at.getTime() > input.notAfter.getTime())
    return `it was given after the merge (${input.notAfter.toISOString()}): a change is approved before it merges`;
  if (input.headBreak && signal.at.getTime() <= input.headBreak.getTime())
    return `it was given before the branch was force-pushed, restored or reopened (${input.headBreak.toISOString()}): approve again`;
  if (signal.kind === "comment" && signal.sha === undefined) {
    // GitHub's times have one-second steps: a comment in the same second as the report is not after it
    const since = input.headReportedSince;
    if (since === null || signal.at.getTime() <= since.getTime())
      return `it cannot be bound for sure to the head ${input.headSha} (written before the bot reported it): write \`/kaws approve ${input.headSha}\` or approve with a review`;
  }
  return null;
}

/** The commit an approving signal names: a review's own, a named sha, or the reported head. */
function commitOf(signal: ApprovalSignal, headSha: string): string {
  if (signal.kind === "review") return signal.commitId;
  if (signal.sha !== undefined) return signal.sha;
  return headSha;
}

/**
 * Since when the bot has reported the head for sure: its first own check run on the head for this
 * pull request (GitHub's `started_at`) that began after the last head break. Null when there is none.
 */
export function headReportedSince(ownRunStarts: readonly Date[], headBreak: Date | null): Date | null {
  const after = ownRunStarts.filter((d) => headBreak === null || d.getTime() > headBreak.getTime());
  if (after.length === 0) return null;
  return new Date(Math.min(...after.map((d) => d.getTime())));
}

/** The last head break, or null. */
export function lastHeadBreak(breaks: readonly Date[]): Date | null {
  return breaks.length === 0 ? null : new Date(Math.max(...breaks.map((d) => d.getTime())));
}
