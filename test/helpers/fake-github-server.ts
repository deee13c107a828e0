import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeGitHubApi, HANG, type FakeGitHubOptions } from "./fake-github-api.js";

/** The fake GitHub API served over HTTP on 127.0.0.1 (for the bench, and for replicas sharing one GitHub). */
export async function startFakeGitHubServer(
  options: FakeGitHubOptions,
): Promise<{ url: string; api: ReturnType<typeof createFakeGitHubApi>; server: Server }> {
  const api = createFakeGitHubApi(options);
  const server = createServer((request, response) => {
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, api, server };
}
