import type { RepoRef } from "../github/github-client.js";

/** What a run in GitHub Actions is told by its environment (the runner's variables and the job's). */
export interface ActionsSettings {
  /** The kaws GitHub App's id and private key (PEM): the job mints the app's installation token. */
  readonly appId: string;
  readonly privateKey: string;
  readonly botKey: string | undefined;
  readonly botKeyPassphrase: string | undefined;
  readonly eventName: string;
  /** The event's payload, as GitHub wrote it for the run. */
  readonly eventPath: string;
  /** The repository the workflow runs in: the PKI repository. */
  readonly repo: RepoRef;
  /** GitHub's REST API: api.github.com, or GitHub Enterprise Server's `/api/v3`. */
  readonly apiUrl: string;
  /** The delivery id the handlers log: one per run attempt. */
  readonly deliveryId: string;
  readonly logLevel: LogLevel;
}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
type LogLevel = (typeof LOG_LEVELS)[number];
const isLogLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value);

/** A missing or malformed setting: the workflow or its environment is wrong (exit code 2). */
export class ActionsUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ActionsUsageError";
  }
}

/**
 * The settings, from the environment. GITHUB_TOKEN is never read: objects made with it belong to
 * the shared github-actions app, which any workflow of the repository can also write as.
 */
export function actionsSettingsOf(env: Readonly<Record<string, string | undefined>>): ActionsSettings {
  const required = (name: string, why: string) => {
    const value = env[name];
    if (value === undefined || value === "") throw new ActionsUsageError(`${name} is not set: ${why}`);
    return value;
  };
  const appId = required("APP_ID", "the kaws GitHub App's id (repository variable KAWS_APP_ID)");
  if (!/^\d+$/.test(appId))
    throw new ActionsUsageError(`APP_ID must be the app's numeric id, not "${appId}"`);
  const repository = required("GITHUB_REPOSITORY", "GitHub Actions sets it to owner/name");
  const [owner, repo, extra] = repository.split("/");
  if (!owner || !repo || extra !== undefined)
    throw new ActionsUsageError(`GITHUB_REPOSITORY must be owner/name, not "${repository}"`);
  const logLevel = env.LOG_LEVEL || "info";
  if (!isLogLevel(logLevel))
    throw new ActionsUsageError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, not "${logLevel}"`);
  return {
    appId,
    privateKey: required("PRIVATE_KEY", "the kaws GitHub App's private key (secret KAWS_APP_PRIVATE_KEY)"),
    botKey: env.KAWS_BOT_KEY || undefined,
    botKeyPassphrase: env.KAWS_BOT_KEY_PASSPHRASE || undefined,
    eventName: required("GITHUB_EVENT_NAME", "GitHub Actions sets it"),
    eventPath: required("GITHUB_EVENT_PATH", "GitHub Actions sets it"),
    repo: { owner, repo },
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    deliveryId: `${env.GITHUB_RUN_ID || "local"}-${env.GITHUB_RUN_ATTEMPT || "1"}`,
    logLevel,
  };
}
