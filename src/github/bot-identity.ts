import type { Probot } from "probot";

/** This app on GitHub: its id (its check runs) and its login `<slug>[bot]` (its comments, issues). */
export interface BotIdentity {
  readonly appId: number;
  readonly login: string;
}

/**
 * This app's own identity, asked once (`GET /app`). The bot trusts only check runs of this app id
 * and comments and issues of this login as its own: another app could write look-alikes.
 */
export function botIdentityOf(app: Probot): () => Promise<BotIdentity> {
  let identity: Promise<BotIdentity> | undefined;
  return () =>
    (identity ??= (async () => {
      const octokit = await app.auth();
      const { data } = await octokit.request("GET /app");
      if (!data?.slug || typeof data.id !== "number")
        throw new Error("GitHub did not say this app's id and slug (GET /app)");
      return { appId: data.id, login: `${data.slug}[bot]` };
    })().catch((cause) => {
      identity = undefined; // try again on the next event
      throw cause;
    }));
}
