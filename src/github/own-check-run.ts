/** One `kaws` check run this app wrote on a commit. */
export interface OwnCheckRun {
  readonly id: number;
  readonly externalId: string;
  /** GitHub's own time: the bot never sends `started_at`, so GitHub sets it at creation (null: unknown). */
  readonly startedAt: Date | null;
  readonly summary: string;
}
