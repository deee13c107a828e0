// A worker thread of the change evaluator: `evaluateChange` on the trees it is sent.
import "reflect-metadata";
import { parentPort } from "node:worker_threads";
import { PublicKeyCache } from "../openpgp/public-key-cache.js";
import { evaluateChange, type EvaluateChangeInput } from "../policy/evaluate-change.js";
import { portableEvaluation } from "./change-evaluator.js";
import type { WorkerAnswer } from "./worker-pool.js";

const keyCache = new PublicKeyCache();

parentPort?.on("message", async ({ id, input }: { id: number; input: EvaluateChangeInput }) => {
  let answer: WorkerAnswer<unknown>;
  try {
    answer = { id, ok: true, output: portableEvaluation(await evaluateChange({ ...input, keyCache })) };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    answer = { id, ok: false, error: { name, message } };
  }
  parentPort?.postMessage(answer);
});
