import { describe, expect, it } from "vitest";
import { QueueFullError, WorkQueue } from "../../src/github/work-queue.js";

/** A promise and the function that settles it: work that ends when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("the work queue behind the webhooks", () => {
  it("runs work of one key one at a time, in order, and of different keys at once", async () => {
    const queue = new WorkQueue({ retryDelaysMs: [] });
    const order: string[] = [];
    const first = gate();
    queue.accept({ key: "pr#1", label: "a", run: async () => void (await first.opened, order.push("a")) });
    queue.accept({ key: "pr#1", label: "b", run: async () => void order.push("b") });
    queue.accept({ key: "pr#2", label: "c", run: async () => void order.push("c") });
    await tick();
    expect(order).toEqual(["c"]); // pr#2 did not wait for pr#1
    expect(queue.stats()).toMatchObject({ running: 1, waiting: 1 });
    first.open();
    await queue.idle();
    expect(order).toEqual(["c", "a", "b"]);
    expect(queue.stats()).toMatchObject({ running: 0, waiting: 0, done: 3 });
  });

  it("runs no more than its concurrency at once", async () => {
    const queue = new WorkQueue({ concurrency: 2, retryDelaysMs: [] });
    let running = 0;
    let most = 0;
    for (let i = 0; i < 10; i++)
      queue.accept({
        key: `pr#${i}`,
        label: `${i}`,
        run: async () => {
          most = Math.max(most, ++running);
          await tick();
          running--;
        },
      });
    await queue.idle();
    expect(most).toBe(2);
  });

  it("runs no more than its group concurrency of one installation at once, while other installations go on", async () => {
    const queue = new WorkQueue({ concurrency: 10, groupConcurrency: 2, retryDelaysMs: [] });
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    for (let i = 0; i < 12; i++) {
      const group = i % 3 === 0 ? "installation:2" : "installation:1";
      queue.accept({
        key: `pr#${i}`,
        label: `${i}`,
        group,
        run: async () => {
          running.set(group, (running.get(group) ?? 0) + 1);
          most.set(group, Math.max(most.get(group) ?? 0, running.get(group)!));
          await tick();
          running.set(group, running.get(group)! - 1);
        },
      });
    }
    await queue.idle();
    expect(Object.fromEntries(most)).toEqual({ "installation:1": 2, "installation:2": 2 });
  });

  it("refuses one installation's work past its share (503) while another installation's is taken", async () => {
    const queue = new WorkQueue({ capacity: 100, groupCapacity: 2, retryDelaysMs: [] });
    const held = gate();
    const work = (group: string, key: string) => ({ key, label: key, group, run: () => held.opened });
    queue.accept(work("installation:1", "a"));
    queue.accept(work("installation:1", "b"));
    expect(() => queue.accept(work("installation:1", "c"))).toThrow(QueueFullError);
    expect(queue.accept(work("installation:2", "d"))).toBe("accepted");
    held.open();
    await queue.idle();
    expect(queue.accept(work("installation:1", "c"))).toBe("accepted"); // its share is free again
    await queue.idle();
  });

  it("refuses work when full (503), says so in its stats, and takes work again once it drains", async () => {
    const queue = new WorkQueue({ capacity: 2, retryDelaysMs: [] });
    const held = gate();
    queue.accept({ key: "a", label: "a", run: () => held.opened });
    queue.accept({ key: "b", label: "b", run: () => held.opened });
    let refusal: unknown;
    try {
      queue.accept({ key: "c", label: "c", run: async () => undefined });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(QueueFullError);
    expect((refusal as QueueFullError).status).toBe(503);
    expect(queue.stats().saturated).toBe(true);
    held.open();
    await queue.idle();
    expect(queue.stats().saturated).toBe(false);
    expect(queue.accept({ key: "c", label: "c", run: async () => undefined })).toBe("accepted");
    await queue.idle();
  });

  it("joins work to waiting work with the same tag, never to work already running", async () => {
    const queue = new WorkQueue({ retryDelaysMs: [] });
    const held = gate();
    let runs = 0;
    const evaluate = () => ({
      key: "pr#7",
      label: "evaluate",
      coalesce: "evaluate:abc",
      run: async () => {
        runs++;
        await held.opened;
      },
    });
    expect(queue.accept(evaluate())).toBe("accepted"); // starts at once
    expect(queue.accept(evaluate())).toBe("accepted"); // the first may have read old state: runs again
    expect(queue.accept(evaluate())).toBe("joined");
    expect(queue.accept({ ...evaluate(), coalesce: "evaluate:def" })).toBe("accepted");
    held.open();
    await queue.idle();
    expect(runs).toBe(3);
  });

  it("tries failed work again after its waits when the failure may pass, and gives up after the last", async () => {
    const queue = new WorkQueue({ retryDelaysMs: [10, 20] });
    const attempts: number[] = [];
    const gaveUp: unknown[] = [];
    const started = performance.now();
    queue.accept({
      key: "r",
      label: "reconcile",
      run: async () => {
        attempts.push(performance.now() - started);
        throw Object.assign(new Error("Server Error"), { status: 502 });
      },
      onGiveUp: (error) => gaveUp.push(error),
    });
    await queue.idle();
    expect(attempts).toHaveLength(3);
    expect(attempts[2]! - attempts[0]!).toBeGreaterThanOrEqual(28);
    expect(gaveUp).toHaveLength(1);
    expect(queue.stats()).toMatchObject({ retried: 2, failed: 1, done: 0 });
  });

  it("does not try again what will fail the same way (a 404, a 422)", async () => {
    const queue = new WorkQueue({ retryDelaysMs: [10, 20] });
    let attempts = 0;
    queue.accept({
      key: "r",
      label: "x",
      run: async () => {
        attempts++;
        throw Object.assign(new Error("Not Found"), { status: 404 });
      },
    });
    await queue.idle();
    expect(attempts).toBe(1);
  });

  it("a retry that succeeds counts as done", async () => {
    const queue = new WorkQueue({ retryDelaysMs: [5] });
    let attempts = 0;
    queue.accept({
      key: "r",
      label: "x",
      run: async () => {
        if (++attempts === 1) throw new Error("socket hang up");
      },
    });
    await queue.idle();
    expect(attempts).toBe(2);
    expect(queue.stats()).toMatchObject({ retried: 1, failed: 0, done: 1 });
  });

  it("runs work that running work waits for at once, even with every slot taken: no deadlock", async () => {
    const queue = new WorkQueue({ concurrency: 1, retryDelaysMs: [] });
    const results: string[] = [];
    queue.accept({
      key: "pr#1",
      label: "command",
      run: async () =>
        void results.push(await queue.runNow("repo:reconcile", "reconcile", async () => "done")),
    });
    queue.accept({ key: "pr#2", label: "other", run: async () => void results.push("other") });
    await queue.idle();
    expect(results).toEqual(["done", "other"]);
  });

  it("passes a failure of work run now to its caller, untried again", async () => {
    const queue = new WorkQueue({ retryDelaysMs: [5] });
    let attempts = 0;
    await expect(
      queue.runNow("k", "x", async () => {
        attempts++;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(attempts).toBe(1);
  });
});
