/** A `/kaws approve cancel` the bot saw: who, and when (GitHub's `created_at` of the comment). */
export interface CancelRecord {
  readonly login: string;
  readonly at: Date;
}

const MARKER = "<!-- kaws-bot:cancels";
const ENTRY = /^([a-z0-9-]{1,39})@(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/;

/**
 * The cancels the bot saw, kept in its own check run (which only this app can write): a cancel
 * withdraws every earlier approval of its author, so only the latest one per login is kept.
 */
export function latestCancels(records: readonly CancelRecord[]): CancelRecord[] {
  const latest = new Map<string, CancelRecord>();
  for (const record of records) {
    const login = record.login.toLowerCase();
    const known = latest.get(login);
    if (known === undefined || known.at.getTime() < record.at.getTime())
      latest.set(login, { login, at: record.at });
  }
  return [...latest.values()].sort((a, b) => a.login.localeCompare(b.login));
}

/** One hidden line for the top of the check run's summary (never cut by the summary's cap). */
export function renderCancelRecord(records: readonly CancelRecord[]): string {
  if (records.length === 0) return "";
  return `${MARKER} ${records.map((r) => `${r.login}@${r.at.toISOString()}`).join(" ")} -->\n`;
}

/** The records on the first line of one of the bot's own check-run summaries; linear, total. */
export function parseCancelRecord(summary: string | null | undefined): CancelRecord[] {
  if (!summary?.startsWith(MARKER)) return [];
  const end = summary.indexOf("-->");
  if (end === -1) return [];
  const records: CancelRecord[] = [];
  for (const word of summary.slice(MARKER.length, end).split(" ")) {
    const match = ENTRY.exec(word);
    if (match === null) continue;
    const at = new Date(match[2]!);
    if (!Number.isNaN(at.getTime())) records.push({ login: match[1]!, at });
  }
  return records;
}
