import type { IncomingMessage, ServerResponse } from "node:http";
import type { WorkQueueStats } from "../github/work-queue.js";

export interface HealthChecks {
  readonly queue: () => WorkQueueStats;
  /** Null when the bot key loads (or none is configured); else why it does not. */
  readonly botKeyProblem: () => Promise<string | null>;
  /** Null when GitHub answers the app; else what went wrong. */
  readonly githubProblem: () => Promise<string | null>;
}

/**
 * `GET /healthz`: 200 while the bot can do its work; 503, with the reasons, when its key does not
 * load, GitHub does not answer the app, or its work queue is full (it refuses deliveries then: a
 * load balancer's readiness probe sends them to another replica). The body always shows the queue.
 */
export function healthHandler(checks: HealthChecks) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/healthz") return false;
    const queue = checks.queue();
    const [botKey, github] = await Promise.all([checks.botKeyProblem(), checks.githubProblem()]);
    const problems = [
      ...(botKey === null ? [] : [`the bot key (KAWS_BOT_KEY) does not load: ${botKey}`]),
      ...(github === null ? [] : [`GitHub does not answer the app: ${github}`]),
      ...(queue.saturated ? [`the work queue is full (${queue.capacity}): deliveries are refused`] : []),
    ];
    const status =
      problems.length === 0 ? "ok" : queue.saturated && problems.length === 1 ? "saturated" : "failing";
    response.writeHead(problems.length === 0 ? 200 : 503, { "content-type": "application/json" });
    response.end(JSON.stringify({ status, problems, queue }));
    return true;
  };
}

/**
 * Ask `probe` at most once per `everyMs` (a probe hammered by a load balancer every second would
 * spend the app's rate limit); concurrent askers share one probe.
 */
export function cachedProbe(
  probe: () => Promise<string | null>,
  everyMs = 30_000,
): () => Promise<string | null> {
  let last: { at: number; result: Promise<string | null> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at >= everyMs) last = { at: now, result: probe() };
    return last.result;
  };
}
