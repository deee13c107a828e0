import type * as openpgp from "openpgp";
import type { EvaluationDeps } from "./evaluate-pull-request.js";

/** What reconciling the default branch needs: a pull request's evaluation, and the bot's key. */
export interface ReconcileDeps extends EvaluationDeps {
  /** The bot's decryption key (KAWS_BOT_KEY), or null when it is not configured. */
  readonly botKey: () => Promise<openpgp.PrivateKey | null>;
}
