import type { Probot } from "probot";
import { hardenClient, type HardeningOptions } from "./harden-client.js";

/** This app on GitHub: its id (its check runs) and its login `<slug>[bot]` (its comments, issues). */
export interface BotIdentity {
  readonly appId: number;
  readonly login: string;
}

/**
 * This app's own identity, asked once (`GET /app`). The bot trusts only check runs of this app id
 * and comments and issues of this login as its own: another app could write look-alikes.
 */
export function botIdentityOf(app: Probot, options?: HardeningOptions): () => Promise<BotIdentity> {
  let identity: Promise<BotIdentity> | undefined;
  return () =>
    (identity ??= (async () => {
      // with the bot's timeout: every piece of work waits for this answer
      const octokit = hardenClient(await app.auth(), options);
      const { data } = await octokit.request("GET /app");
      if (!data?.slug || typeof data.id !== "number")
        throw new Error("GitHub did not say this app's id and slug (GET /app)");
      return { appId: data.id, login: `${data.slug}[bot]` };
    })().catch((cause) => {
      identity = undefined; // try again on the next event
      throw cause;
    }));
}
