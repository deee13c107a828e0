import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeGitHubApi, HANG, type FakeGitHubOptions } from "./fake-github-api.js";

/** A request as it reached the fake over HTTP, with the credentials it carried. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

/**
 * The fake GitHub API served over HTTP on 127.0.0.1 (for the bench, for replicas sharing one GitHub,
 * and for runs in GitHub Actions); every request's Authorization header is kept, to say who acted.
 */
export async function startFakeGitHubServer(options: FakeGitHubOptions): Promise<{
  url: string;
  api: ReturnType<typeof createFakeGitHubApi>;
  server: Server;
  seen: SeenRequest[];
}> {
  const api = createFakeGitHubApi(options);
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    seen.push({
      method: request.method ?? "GET",
      path: request.url ?? "/",
      authorization: request.headers.authorization,
    });
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const reply = await api.answer(
        request.method ?? "GET",
        request.url ?? "/",
        text ? JSON.parse(text) : undefined,
      );
      if (reply === HANG) return; // a hung GitHub never answers
      const [status, body, headers] = reply;
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, api, server, seen };
}
