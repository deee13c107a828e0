import type { IncomingMessage, ServerResponse } from "node:http";
import type { WorkQueueStats } from "../github/work-queue.js";

/**
 * `GET /healthz`: 200 while the process takes deliveries, 503 while its work queue is full (it
 * refuses deliveries then: a load balancer's readiness probe sends them to another replica). The
 * body says how much work waits, runs and waits to be retried.
 */
export function healthHandler(stats: () => WorkQueueStats) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/healthz") return false;
    const queue = stats();
    response.writeHead(queue.saturated ? 503 : 200, { "content-type": "application/json" });
    response.end(JSON.stringify({ status: queue.saturated ? "saturated" : "ok", queue }));
    return true;
  };
}
