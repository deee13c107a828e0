import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { WorkQueueStats } from "../github/work-queue.js";

/**
 * What the bot counts, in Prometheus' text format at `GET /metrics`: deliveries taken, how long
 * each piece of work took and how it ended, GitHub's errors, reconcile outcomes, and the work
 * queue. One registry per app (never the process-wide default), so two apps never mix.
 */
export class BotMetrics {
  readonly registry = new Registry();
  private readonly deliveries = new Counter({
    name: "kaws_deliveries_total",
    help: "Webhook deliveries taken, by event and what became of them (queued, joined, duplicate, refused)",
    labelNames: ["event", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly work = new Histogram({
    name: "kaws_work_duration_seconds",
    help: "How long each piece of work took (evaluate, reconcile, command...), by kind and outcome",
    labelNames: ["kind", "outcome"] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly githubErrors = new Counter({
    name: "kaws_github_errors_total",
    help: "GitHub API requests that failed, by HTTP status (0: no answer)",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  private readonly reconciles = new Counter({
    name: "kaws_reconciles_total",
    help: "Reconciles of a default branch, by result (committed, proposed, nothing)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  constructor(queue: () => WorkQueueStats) {
    const gauge = (name: string, help: string, read: (stats: WorkQueueStats) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read(queue()));
        },
      });
    gauge("kaws_queue_waiting", "Work waiting in the queue", (s) => s.waiting);
    gauge("kaws_queue_running", "Work running now", (s) => s.running);
    gauge("kaws_queue_retrying", "Failed work waiting to be tried again", (s) => s.retrying);
    gauge("kaws_queue_capacity", "Work the queue holds before it refuses deliveries", (s) => s.capacity);
    gauge(
      "kaws_queue_oldest_wait_seconds",
      "How long the oldest waiting work has waited",
      (s) => s.oldestWaitMs / 1000,
    );
  }

  delivery(event: string, outcome: "queued" | "joined" | "duplicate" | "refused"): void {
    this.deliveries.inc({ event, outcome });
  }

  workDone(kind: string, outcome: "done" | "failed", seconds: number): void {
    this.work.observe({ kind, outcome }, seconds);
  }

  githubError(status: number): void {
    this.githubErrors.inc({ status: String(status) });
  }

  reconciled(result: string): void {
    this.reconciles.inc({ result });
  }

  /** `GET /metrics`. */
  handler() {
    return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
      if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") return false;
      const text = await this.registry.metrics();
      response.writeHead(200, { "content-type": this.registry.contentType });
      response.end(text);
      return true;
    };
  }
}
