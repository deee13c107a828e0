/** One piece of work a delivery (or the sweep) asked for. */
export interface Work {
  /** Work with the same key runs one at a time, in order (one pull request, one default branch). */
  readonly key: string;
  /** What it is, for the logs: `evaluate acme/keys#7`. */
  readonly label: string;
  readonly run: () => Promise<void>;
  /**
   * Work that would do the same as work already waiting with this tag (it reads fresh state when
   * it starts) joins it instead of running twice.
   */
  readonly coalesce?: string;
  /** Called once when the work failed and will not be tried again. */
  readonly onGiveUp?: (error: unknown) => void;
  /**
   * Work of one group (one installation) runs at most `groupConcurrency` at once: GitHub paces an
   * installation's writes to about one a second, so more at once only wait there (and time out).
   */
  readonly group?: string;
}

export interface WorkQueueOptions {
  /** Work accepted and not finished (waiting, running or waiting to be retried) beyond which new work is refused. */
  readonly capacity?: number;
  /** Work running at once, over all keys: each mostly waits on GitHub. */
  readonly concurrency?: number;
  /** Work of one group (installation) running at once. */
  readonly groupConcurrency?: number;
  /** Work of one group accepted and not finished: one installation never fills the queue for all. */
  readonly groupCapacity?: number;
  /** The wait before each new attempt of failed work; its length is how many times it is retried. */
  readonly retryDelaysMs?: readonly number[];
  readonly log?: WorkLog;
}

export interface WorkLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What `/healthz` shows and the logs say about the queue. */
export interface WorkQueueStats {
  readonly waiting: number;
  readonly running: number;
  readonly retrying: number;
  readonly capacity: number;
  /** Full: new deliveries are refused with 503 until work drains. */
  readonly saturated: boolean;
  /** How long the oldest waiting work has waited, in ms (0: none waits). */
  readonly oldestWaitMs: number;
  readonly done: number;
  readonly retried: number;
  readonly failed: number;
}

/** The queue is full: the delivery is refused (GitHub shows it failed; it can be redelivered). */
export class QueueFullError extends Error {
  readonly status = 503;
  constructor(capacity: number) {
    super(`kaws-bot is busy: ${capacity} pieces of work are waiting; try again later`);
  }
}

interface Entry {
  readonly work: Work;
  readonly acceptedAt: number;
  attempt: number;
  /** Runs as soon as its key is free, whatever the concurrency: work another running work awaits. */
  readonly urgent: boolean;
  readonly settle?: { resolve: () => void; reject: (error: unknown) => void };
}

const DEFAULT_RETRY_DELAYS_MS = [2_000, 15_000, 60_000];

/**
 * Where deliveries leave their work so that the webhook is answered at once (GitHub gives up after
 * 10 s): bounded (full, it refuses new work, visible in the logs and `/healthz`), one at a time per
 * key, a bounded number at once overall, and failed work tried again with growing waits when the
 * failure may pass (GitHub's 5xx, rate limits, timeouts). Nothing here is needed for correctness:
 * a replica or a restart that never saw this queue gets the same result from the next delivery or
 * the periodic sweep, because every piece of work reads its state from GitHub.
 */
export class WorkQueue {
  private readonly capacity: number;
  private readonly concurrency: number;
  private readonly groupConcurrency: number;
  private readonly runningByGroup = new Map<string, number>();
  private readonly groupCapacity: number;
  private readonly pendingByGroup = new Map<string, number>();
  private readonly retryDelaysMs: readonly number[];
  private readonly log: WorkLog | undefined;
  private readonly waiting = new Map<string, Entry[]>();
  private readonly busyKeys = new Set<string>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private waitingCount = 0;
  private running = 0;
  private counts = { done: 0, retried: 0, failed: 0 };
  private warnedBacklog = false;

  constructor(options: WorkQueueOptions = {}) {
    this.capacity = options.capacity ?? 2_000;
    this.concurrency = options.concurrency ?? 16;
    this.groupConcurrency = options.groupConcurrency ?? 4;
    this.groupCapacity = options.groupCapacity ?? Math.ceil(this.capacity / 4);
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.log = options.log;
  }

  /** Take work to do after the delivery is answered; throws QueueFullError when full. */
  accept(work: Work): "accepted" | "joined" {
    const queued = this.waiting.get(work.key) ?? [];
    if (work.coalesce !== undefined && queued.some((entry) => entry.work.coalesce === work.coalesce))
      return "joined";
    if (this.size() >= this.capacity) {
      this.log?.error({ ...this.stats() }, "work queue full: refusing a delivery");
      throw new QueueFullError(this.capacity);
    }
    const group = work.group;
    if (group !== undefined && (this.pendingByGroup.get(group) ?? 0) >= this.groupCapacity) {
      this.log?.error(
        { group, ...this.stats() },
        "work queue full for this installation: refusing a delivery",
      );
      throw new QueueFullError(this.groupCapacity);
    }
    if (group !== undefined) this.pendingByGroup.set(group, (this.pendingByGroup.get(group) ?? 0) + 1);
    this.enqueue({ work, acceptedAt: Date.now(), attempt: 1, urgent: false });
    if (!this.warnedBacklog && this.size() >= this.capacity / 2) {
      this.warnedBacklog = true;
      this.log?.warn(
        { ...this.stats() },
        "work queue half full: GitHub answers slower than deliveries arrive",
      );
    }
    return "accepted";
  }

  /**
   * Run work now, from inside running work (a command that reconciles): in order with its key, but
   * never held back by the concurrency limit (the caller holds a slot and waits for it), not
   * retried (the caller's own work is).
   */
  runNow<T>(key: string, label: string, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let result: T;
      this.enqueue({
        work: { key, label, run: async () => void (result = await run()) },
        acceptedAt: Date.now(),
        attempt: 1,
        urgent: true,
        settle: { resolve: () => resolve(result), reject },
      });
    });
  }

  stats(): WorkQueueStats {
    let oldest = Infinity;
    for (const entries of this.waiting.values())
      for (const entry of entries) oldest = Math.min(oldest, entry.acceptedAt);
    return {
      waiting: this.waitingCount,
      running: this.running,
      retrying: this.retryTimers.size,
      capacity: this.capacity,
      saturated: this.size() >= this.capacity,
      oldestWaitMs: oldest === Infinity ? 0 : Date.now() - oldest,
      ...this.counts,
    };
  }

  /** Resolves when nothing waits, runs or waits to be retried (tests, and a run that must finish its work). */
  idle(): Promise<void> {
    if (this.size() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forget the retries still waiting (the process stops). */
  close(): void {
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.settleIfIdle();
  }

  private size(): number {
    return this.waitingCount + this.running + this.retryTimers.size;
  }

  private enqueue(entry: Entry): void {
    const queued = this.waiting.get(entry.work.key) ?? [];
    if (entry.urgent) queued.unshift(entry);
    else queued.push(entry);
    this.waiting.set(entry.work.key, queued);
    this.waitingCount++;
    this.pump();
  }

  /** Start what may start: the first work of each free key, up to the concurrencies (urgent work always). */
  private pump(): void {
    for (const [key, queued] of this.waiting) {
      if (this.busyKeys.has(key)) continue;
      const first = queued[0]!;
      const group = first.work.group;
      const groupFull = group !== undefined && (this.runningByGroup.get(group) ?? 0) >= this.groupConcurrency;
      if ((this.running >= this.concurrency || groupFull) && !first.urgent) continue;
      const entry = queued.shift()!;
      if (queued.length === 0) this.waiting.delete(key);
      this.waitingCount--;
      this.start(entry);
    }
  }

  private start(entry: Entry): void {
    const { key, group } = entry.work;
    this.busyKeys.add(key);
    this.running++;
    if (group !== undefined) this.runningByGroup.set(group, (this.runningByGroup.get(group) ?? 0) + 1);
    void entry.work
      .run()
      .then(
        () => {
          this.counts.done++;
          this.finished(entry);
          entry.settle?.resolve();
        },
        (error: unknown) => this.failed(entry, error),
      )
      .finally(() => {
        this.busyKeys.delete(key);
        this.running--;
        if (group !== undefined) {
          const left = (this.runningByGroup.get(group) ?? 1) - 1;
          if (left === 0) this.runningByGroup.delete(group);
          else this.runningByGroup.set(group, left);
        }
        if (this.size() < this.capacity / 2) this.warnedBacklog = false;
        this.pump();
        this.settleIfIdle();
      });
  }

  private failed(entry: Entry, error: unknown): void {
    const { work } = entry;
    const delay = this.retryDelaysMs[entry.attempt - 1];
    if (entry.settle !== undefined) {
      entry.settle.reject(error);
      return;
    }
    const fields = { work: work.label, attempt: entry.attempt, err: error };
    if (delay === undefined || !mayPass(error)) {
      this.counts.failed++;
      this.finished(entry);
      this.log?.error(fields, "work failed; it is not tried again (the next delivery or the sweep will)");
      work.onGiveUp?.(error);
      return;
    }
    this.counts.retried++;
    this.log?.warn({ ...fields, retryInMs: delay }, "work failed; trying again");
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.enqueue({ ...entry, attempt: entry.attempt + 1 });
    }, delay);
    timer.unref();
    this.retryTimers.add(timer);
  }

  /** Accepted work that will not run again: its group has room for more. */
  private finished(entry: Entry): void {
    const group = entry.work.group;
    if (entry.urgent || group === undefined) return;
    const left = (this.pendingByGroup.get(group) ?? 1) - 1;
    if (left <= 0) this.pendingByGroup.delete(group);
    else this.pendingByGroup.set(group, left);
  }

  private settleIfIdle(): void {
    if (this.size() > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/**
 * A failure that may pass by itself: no answer (timeout, network), GitHub's 5xx, a rate limit. A
 * refusal (401, 404, 422...) or a finding in the data will be the same next time.
 */
function mayPass(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== "number") return true;
  if (status >= 500 || status === 429) return true;
  return status === 403 && /rate limit/i.test((error as Error).message ?? "");
}
