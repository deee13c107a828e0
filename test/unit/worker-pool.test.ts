import { afterEach, expect, it } from "vitest";
import { WorkerPool } from "../../src/core/worker/worker-pool.js";

const entry = new URL("../fixtures/pool-worker.ts", import.meta.url);
const pools: WorkerPool<unknown, unknown>[] = [];
const pool = (size: number) => {
  const made = new WorkerPool<unknown, unknown>(entry, size);
  pools.push(made);
  return made;
};
afterEach(async () => void (await Promise.all(pools.splice(0).map((p) => p.close()))));

it("runs tasks on worker threads and hands back what they answer, bytes and maps included", async () => {
  const p = pool(2);
  const value = { bytes: new Uint8Array([1, 2, 3]), tree: new Map([["a", 1]]), at: new Date(0) };
  expect(await p.run({ op: "echo", value })).toEqual(value);
});

it("keeps the calling thread free while a worker computes", async () => {
  const p = pool(1);
  await p.run({ op: "echo", value: "warm" }); // the worker has started
  const ticks: number[] = [];
  const timer = setInterval(() => ticks.push(performance.now()), 20);
  try {
    await p.run({ op: "spin", ms: 400 });
  } finally {
    clearInterval(timer);
  }
  const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
  expect(ticks.length).toBeGreaterThanOrEqual(10);
  expect(Math.max(...gaps)).toBeLessThan(150);
});

it("uses every worker at once, and queues the rest in order", async () => {
  const p = pool(2);
  await Promise.all([p.run({ op: "echo", value: 0 }), p.run({ op: "echo", value: 0 })]);
  const started = performance.now();
  const results = await Promise.all([1, 2, 3, 4].map(() => p.run({ op: "spin", ms: 150 })));
  expect(results).toEqual(["spun", "spun", "spun", "spun"]);
  // two at a time: about 300 ms, not 600 (allow a loaded machine)
  expect(performance.now() - started).toBeLessThan(550);
});

it("fails a task with the worker's error, and goes on", async () => {
  const p = pool(1);
  await expect(p.run({ op: "throw" })).rejects.toMatchObject({ name: "RangeError", message: "bad input" });
  expect(await p.run({ op: "echo", value: "after" })).toBe("after");
});

it("fails the task of a worker that dies, and starts another for the next", async () => {
  const p = pool(1);
  await expect(p.run({ op: "exit" })).rejects.toThrow("a worker stopped (exit code 3)");
  expect(await p.run({ op: "echo", value: "again" })).toBe("again");
});

it("refuses work once closed, and fails what was waiting", async () => {
  const p = pool(1);
  const busy = expect(p.run({ op: "spin", ms: 200 })).rejects.toThrow("the worker pool is closed");
  const waiting = expect(p.run({ op: "echo", value: 1 })).rejects.toThrow("the worker pool is closed");
  await p.close();
  await Promise.all([busy, waiting]);
  await expect(p.run({ op: "echo", value: 2 })).rejects.toThrow("the worker pool is closed");
});
