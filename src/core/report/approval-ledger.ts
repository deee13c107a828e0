import type { ReportedHead } from "../policy/count-approvals.js";

/** At most this many reported heads are kept (older ones cannot be approved any more anyway). */
const KEEP = 50;
const LINE = /<!-- kaws-bot:reported ([0-9a-f]{40}) (\S+) -->/g;

/**
 * Which head commits the bot reported, and when: kept in the bot's own sticky comment (only the bot
 * can edit it), so a `/kaws approve` comment binds to the head reported before it was written.
 */
export function parseLedger(body: string | undefined): ReportedHead[] {
  const heads: ReportedHead[] = [];
  for (const match of (body ?? "").matchAll(LINE)) {
    const at = new Date(match[2] as string);
    if (!Number.isNaN(at.getTime())) heads.push({ sha: match[1] as string, at });
  }
  return heads;
}

/** The ledger with `headSha` reported at `now`, unless it is already the last reported head. */
export function recordReportedHead(
  ledger: readonly ReportedHead[],
  headSha: string,
  now: Date,
): ReportedHead[] {
  if (ledger.at(-1)?.sha === headSha) return [...ledger];
  return [...ledger, { sha: headSha, at: now }].slice(-KEEP);
}

export function renderLedger(ledger: readonly ReportedHead[]): string {
  return ledger.map((head) => `<!-- kaws-bot:reported ${head.sha} ${head.at.toISOString()} -->`).join("\n");
}
