import type { Probot } from "probot";

/**
 * This app's own login on GitHub (`<slug>[bot]`), asked once (`GET /app`). The bot trusts only
 * comments and issues written by this login as its own: another app could write a look-alike.
 */
export function botLoginOf(app: Probot): () => Promise<string> {
  let login: Promise<string> | undefined;
  return () =>
    (login ??= (async () => {
      const octokit = await app.auth();
      const { data } = await octokit.request("GET /app");
      if (!data?.slug) throw new Error("GitHub did not say this app's slug (GET /app)");
      return `${data.slug}[bot]`;
    })().catch((cause) => {
      login = undefined; // try again on the next event
      throw cause;
    }));
}
