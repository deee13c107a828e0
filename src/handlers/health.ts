import type { IncomingMessage, ServerResponse } from "node:http";

/** `GET /healthz` answers 200 while the process serves requests (for load balancers and probes). */
export function healthHandler(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== "GET" || request.url?.split("?")[0] !== "/healthz") return false;
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ status: "ok" }));
  return true;
}
