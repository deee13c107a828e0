import type { GitHubClient } from "./github-client.js";

export interface HardeningOptions {
  /** Every GitHub request is abandoned after this long (a hung call must not block a queue). */
  readonly timeoutMs?: number;
  /** Attempts of one request that GitHub refuses with a secondary rate limit. */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** GitHub asks for at least a minute when it gives no `retry-after` for a secondary limit. */
const DEFAULT_WAIT_S = 60;
const MAX_WAIT_S = 120;
const wrapped = new WeakSet<object>();

/**
 * Every request of this client gets a timeout, and a request GitHub refuses with a secondary rate
 * limit (403/429 saying so, or with `retry-after`) is tried again after the time GitHub asks for,
 * a few times: Probot's own throttling only logs those, so writes were lost under load.
 */
export function hardenClient(octokit: GitHubClient, options: HardeningOptions = {}): GitHubClient {
  if (wrapped.has(octokit)) return octokit;
  wrapped.add(octokit);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  octokit.hook.wrap("request", async (request, requestOptions) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const signal = AbortSignal.timeout(timeoutMs);
        // The time includes the wait in Probot's throttle queue: a request given up there must
        // never be sent later (the work is tried again: a comment would land twice), so the fetch
        // it reaches refuses once the time is up. Octokit's hooks pass on the options object they
        // were given, not their caller's copy: the signal and the fetch are set on it in place.
        const send = fetchOf(requestOptions);
        requestOptions.request = {
          ...requestOptions.request,
          signal,
          fetch: ((input, init) =>
            signal.aborted
              ? Promise.reject(Object.assign(new Error("given up before it was sent"), { status: 504 }))
              : send(input, init)) satisfies typeof fetch,
        };
        return await Promise.race([
          request(requestOptions),
          timedOut(signal, `${requestOptions.method} ${requestOptions.url}`, timeoutMs),
        ]);
      } catch (error) {
        const wait = secondaryLimitWait(error);
        if (wait === null || attempt >= attempts) throw error;
        octokit.log.warn(
          `GitHub's secondary rate limit on ${requestOptions.method} ${requestOptions.url}: trying again in ${wait} s (attempt ${attempt} of ${attempts})`,
        );
        await sleep(Math.min(wait, MAX_WAIT_S) * 1000);
      }
    }
  });
  return octokit;
}

const sentBy = new WeakMap<object, typeof fetch>();

/** The fetch a request would use: the client's own, or the global one (kept across attempts). */
function fetchOf(requestOptions: { request?: { fetch?: typeof fetch } }): typeof fetch {
  let send = sentBy.get(requestOptions);
  if (send === undefined) {
    send = requestOptions.request?.fetch ?? ((input, init) => fetch(input, init));
    sentBy.set(requestOptions, send);
  }
  return send;
}

/** Seconds to wait when the error is a secondary rate limit, else null. */
export function secondaryLimitWait(error: unknown): number | null {
  const { status, message, response } = error as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string | undefined> };
  };
  if (status !== 403 && status !== 429) return null;
  const retryAfter = Number(response?.headers?.["retry-after"]);
  const secondary = /secondary rate limit/i.test(message ?? "");
  if (!secondary && !(Number.isFinite(retryAfter) && retryAfter >= 0)) return null;
  return Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : DEFAULT_WAIT_S;
}

/** Rejects when the signal fires: GitHub did not answer in time. */
function timedOut(signal: AbortSignal, what: string, timeoutMs: number): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener(
      "abort",
      () =>
        reject(
          Object.assign(new Error(`GitHub did not answer ${what} within ${timeoutMs} ms`), { status: 504 }),
        ),
      { once: true },
    ),
  );
}
