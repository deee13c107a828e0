import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHubServer } from "../test/helpers/fake-github-server.js";
import { FakeRepo } from "../test/helpers/fake-repo.js";
import { pullRequestPayload, pushPayload, startWebhookServer } from "../test/helpers/probot.js";
import { ageInstalled, makeAgeKeys } from "./age-keys.js";
import { reencryptWithAge, reencryptWithGpg, type ColdAndWarm } from "./reencrypt-anchors.js";
import {
  makeReencryptStartState,
  writeReencryptInput,
  type ReencryptStartState,
} from "./reencrypt-start-state.js";
import { runChild } from "./run-child.js";
import { fastest } from "./time-command.js";

/** One re-encryption of every key file inside a node process (reencrypt-in-process.ts). */
export interface InProcessReencrypt {
  readonly files: number;
  readonly recipients: number;
  readonly ms: number;
  readonly readKeysMs: number;
  readonly reencryptMs: number;
  readonly maxRssMiB: number;
}

export interface ReencryptBenchResult {
  readonly files: number;
  readonly recipients: number;
  /** The first run in a fresh process (the fastest of the processes), and the fastest later run in the same one. */
  readonly inProcessCold: InProcessReencrypt;
  readonly inProcessWarm: InProcessReencrypt;
  readonly gpg: ColdAndWarm;
  /** null when `age` is not installed. */
  readonly age: ColdAndWarm | null;
  readonly calls: number;
  readonly reads: number;
  readonly writes: number;
}

/**
 * 20 clusters × 3 keys, encrypted to the first 50 admins + the bot, re-encrypted to 100 admins
 * (50 RSA-3072, 50 Curve25519) + the bot: in process (the bot's code: read the keys, open each
 * file with the bot's key, encrypt it again with a fresh session key), against gpg's best batched
 * script and age's with an equivalent recipient set; then the reconciler's API calls for the same.
 */
export async function benchReencrypt(
  repoDir: string,
  gnupgHome: string,
  cacheRoot: string,
): Promise<ReencryptBenchResult> {
  const state = await makeReencryptStartState(repoDir, gnupgHome);
  const inProcess = reencryptInProcess(state);
  const gpg = reencryptWithGpg(state);
  const age = ageInstalled() ? reencryptWithAge(state, makeAgeKeys(cacheRoot)) : null;
  const calls = await reconcilerCalls(state);
  if (inProcess.cold.files !== state.keyPaths.length)
    throw new Error(`expected ${state.keyPaths.length} re-encryptions, got ${inProcess.cold.files}`);
  return {
    files: state.keyPaths.length,
    recipients: inProcess.cold.recipients,
    inProcessCold: inProcess.cold,
    inProcessWarm: inProcess.warm,
    gpg,
    age,
    ...calls,
  };
}

function reencryptInProcess(
  state: ReencryptStartState,
  processes = 2,
  runs = 3,
): { cold: InProcessReencrypt; warm: InProcessReencrypt } {
  const work = mkdtempSync(join(tmpdir(), "kaws-bench-reencrypt-"));
  try {
    writeReencryptInput(state, work);
    const timings = Array.from({ length: processes }, () =>
      runChild<InProcessReencrypt[]>("./reencrypt-in-process.js", [work, String(runs)]),
    );
    return { cold: fastest(timings.map((t) => t[0]!)), warm: fastest(timings.flatMap((t) => t.slice(1))) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The reconciler re-encrypting the start state on a push, against a fake GitHub on 127.0.0.1. */
async function reconcilerCalls(
  state: ReencryptStartState,
): Promise<{ calls: number; reads: number; writes: number }> {
  const repo = new FakeRepo();
  const base = repo.commit(state.files);
  const fake = await startFakeGitHubServer({ repo, defaultSha: base, mergeBaseSha: base });
  const server = await startWebhookServer({
    baseUrl: fake.url,
    secret: "bench-reencrypt",
    logLevel: "silent",
    botKey: state.botSecretKey,
  });
  try {
    const pull = pullRequestPayload({ headSha: base, baseSha: base });
    const status = await server.deliver(
      "push",
      pushPayload({
        pull,
        before: base,
        after: base,
        commits: [{ id: base, modified: ["pubkeys/admin099.asc"] }],
      }),
      "r1",
    );
    if (status !== 200) throw new Error(`the push answered ${status}`);
    const calls = fake.api.calls.filter((c) => !c.path.includes("access_tokens"));
    const tip = repo.required(fake.api.refs.get("heads/main")!);
    if (tip.parents[0] !== base) throw new Error("the reconciler did not commit");
    return {
      calls: calls.length,
      reads: calls.filter((c) => c.path.includes("/git/blobs/")).length,
      writes: calls.filter((c) => c.method !== "GET").length,
    };
  } finally {
    await server.stop();
    fake.server.close();
  }
}
