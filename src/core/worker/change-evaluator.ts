import { availableParallelism } from "node:os";
import type { PublicKeyCache } from "../openpgp/public-key-cache.js";
import {
  evaluateChange,
  type ChangeEvaluation,
  type ChangedKey,
  type EvaluateChangeInput,
} from "../policy/evaluate-change.js";
import { WorkerPool } from "./worker-pool.js";

/** Runs the pull-request evaluation of DESIGN section 4: in this thread, or on worker threads. */
export interface ChangeEvaluator {
  evaluate(input: EvaluateChangeInput): Promise<ChangeEvaluation>;
  close(): Promise<void>;
}

/** An evaluation as it crosses threads: the changed keys by login and fingerprint only. */
export type PortableEvaluation = Omit<ChangeEvaluation, "changedKeys"> & {
  readonly changedKeys: Omit<ChangedKey, "key">[];
};

export function portableEvaluation(evaluation: ChangeEvaluation): PortableEvaluation {
  return {
    ...evaluation,
    changedKeys: evaluation.changedKeys.map(({ login, fingerprint }) => ({ login, fingerprint })),
  };
}

/** The evaluation in the calling thread (the command line, AWS Lambda, GitHub Actions). */
export function evaluatorInProcess(keyCache?: PublicKeyCache): ChangeEvaluator {
  return {
    evaluate: (input) => evaluateChange({ ...input, keyCache: input.keyCache ?? keyCache }),
    close: async () => undefined,
  };
}

/**
 * Worker threads for a long-running bot: one per core but the one the event loop keeps, at least
 * one, at most four (measured on two cores: one worker answered as fast as two, with 110 MiB less).
 */
export function defaultWorkerCount(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/**
 * The evaluation on `size` worker threads, so the event loop that answers webhooks never waits
 * for signatures and certificates. Each worker keeps its own parsed keys; the changed keys the
 * identity binding needs are read again here from the head tree's bytes (the same bytes, parsed
 * the same way, through this thread's cache).
 */
export function evaluatorOnWorkers(size: number, keyCache: PublicKeyCache): ChangeEvaluator {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const pool = new WorkerPool<EvaluateChangeInput, PortableEvaluation>(
    new URL(`./evaluate-change-worker${extension}`, import.meta.url),
    size,
  );
  return {
    evaluate: async ({ keyCache: _own, ...input }) => {
      const evaluation = await pool.run(input);
      const changedKeys = await Promise.all(
        evaluation.changedKeys.map(async (changed) => ({
          ...changed,
          key: await keyOf(input.head, changed.login, keyCache),
        })),
      );
      return { ...evaluation, changedKeys };
    },
    close: () => pool.close(),
  };
}

async function keyOf(
  head: EvaluateChangeInput["head"],
  login: string,
  keyCache: PublicKeyCache,
): Promise<ChangedKey["key"]> {
  const bytes = head.get(`pubkeys/${login}.asc`)?.bytes;
  const read = bytes === undefined ? undefined : await keyCache.read(bytes);
  if (read?.ok !== true) throw new Error(`pubkeys/${login}.asc no longer reads as the worker read it`);
  return read.key;
}
