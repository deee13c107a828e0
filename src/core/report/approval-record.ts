/** A `/kaws approve cancel` the bot saw: who, and when (GitHub's `created_at` of the comment). */
export interface CancelRecord {
  readonly login: string;
  readonly at: Date;
}

/**
 * What the bot saw happen on a pull request that GitHub's lists may no longer show: cancels (their
 * comments may be edited or deleted since), approval comments that were edited (GitHub's times
 * cannot always tell, to the second), and who pushed commits (from the signed `synchronize`
 * deliveries). Kept in the bot's own check run, which only this app can write, and carried from
 * each head to the next.
 */
export interface ApprovalRecord {
  readonly cancels: readonly CancelRecord[];
  readonly editedComments: readonly number[];
  readonly pushers: readonly string[];
}

export const EMPTY_RECORD: ApprovalRecord = { cancels: [], editedComments: [], pushers: [] };

const MARKER = "<!-- kaws-bot:record";
const LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;
const CANCEL = /^cancel=([a-z0-9-]{1,39})@(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/;

/**
 * All records as one: the latest cancel per login (it withdraws everything before it), unions of
 * the rest. Nothing is ever dropped here (dropping would fail open); what is worth keeping is
 * chosen by `relevantRecord`, which keeps only what concerns maintainers.
 */
export function mergeRecords(records: readonly ApprovalRecord[]): ApprovalRecord {
  const latest = new Map<string, CancelRecord>();
  const edited = new Set<number>();
  const pushers = new Set<string>();
  for (const record of records) {
    for (const cancel of record.cancels) {
      const login = cancel.login.toLowerCase();
      const known = latest.get(login);
      if (known === undefined || known.at.getTime() < cancel.at.getTime())
        latest.set(login, { login, at: cancel.at });
    }
    for (const id of record.editedComments) edited.add(id);
    for (const login of record.pushers) pushers.add(login.toLowerCase());
  }
  return {
    cancels: [...latest.values()].sort((a, b) => a.login.localeCompare(b.login)),
    editedComments: [...edited].sort((a, b) => a - b),
    pushers: [...pushers].sort(),
  };
}

/** One hidden line for the top of the check run's summary (never cut by the summary's cap). */
export function renderApprovalRecord(record: ApprovalRecord): string {
  const words = [
    ...record.cancels.map((c) => `cancel=${c.login}@${c.at.toISOString()}`),
    ...record.editedComments.map((id) => `edited=${id}`),
    ...record.pushers.map((login) => `pusher=${login}`),
  ];
  return words.length === 0 ? "" : `${MARKER} ${words.join(" ")} -->\n`;
}

/** The record on the first line of one of the bot's own check-run summaries; linear and total. */
export function parseApprovalRecord(summary: string | null | undefined): ApprovalRecord {
  if (!summary?.startsWith(MARKER)) return EMPTY_RECORD;
  const end = summary.indexOf("-->");
  if (end === -1) return EMPTY_RECORD;
  const cancels: CancelRecord[] = [];
  const editedComments: number[] = [];
  const pushers: string[] = [];
  for (const word of summary.slice(MARKER.length, end).split(" ")) {
    const cancel = CANCEL.exec(word);
    if (cancel !== null) {
      const at = new Date(cancel[2]!);
      if (!Number.isNaN(at.getTime())) cancels.push({ login: cancel[1]!, at });
    } else if (/^edited=\d{1,15}$/.test(word)) editedComments.push(Number(word.slice(7)));
    else if (word.startsWith("pusher=") && LOGIN.test(word.slice(7))) pushers.push(word.slice(7));
  }
  return { cancels, editedComments, pushers };
}

/**
 * The part of a record that can still matter, so no crowd of accounts can push a maintainer's
 * entry out: cancels by maintainers, edits of comments maintainers wrote that are still listed, and
 * every pusher (they need write access, so they are few).
 */
export function relevantRecord(
  record: ApprovalRecord,
  isMaintainer: (login: string) => boolean,
  maintainerCommentIds: ReadonlySet<number>,
): ApprovalRecord {
  return {
    cancels: record.cancels.filter((cancel) => isMaintainer(cancel.login)),
    editedComments: record.editedComments.filter((id) => maintainerCommentIds.has(id)),
    pushers: record.pushers,
  };
}
