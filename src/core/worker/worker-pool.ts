import { Worker } from "node:worker_threads";

/** What a worker answers for one task. */
export type WorkerAnswer<O> =
  | { readonly id: number; readonly ok: true; readonly output: O }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string };
    };

interface Task<I, O> {
  readonly id: number;
  readonly input: I;
  readonly resolve: (output: O) => void;
  readonly reject: (error: Error) => void;
}

interface Slot<I, O> {
  readonly worker: Worker;
  task?: Task<I, O>;
}

/**
 * A few worker threads that run one kind of CPU-heavy task, one task per worker at a time, the
 * rest waiting in order: the event loop that answers webhooks stays free, and every core works.
 * Workers start when first needed and do not keep the process alive when idle. A worker that dies
 * fails its task with the reason and is replaced; the task is not tried again here (the caller's
 * work is). Inputs and outputs cross by structured clone: plain data, maps and byte arrays.
 */
export class WorkerPool<I, O> {
  private readonly slots: Slot<I, O>[] = [];
  private readonly waiting: Task<I, O>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly entry: URL,
    private readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`a pool needs at least one worker, not ${size}`);
  }

  run(input: I): Promise<O> {
    if (this.closed) return Promise.reject(new Error("the worker pool is closed"));
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, input, resolve, reject });
      this.dispatch();
    });
  }

  /** Stop every worker; tasks still waiting or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const task of [...this.waiting.splice(0), ...slots.flatMap((slot) => slot.task ?? [])])
      task.reject(new Error("the worker pool is closed"));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((candidate) => candidate.task === undefined) ?? this.start();
      if (slot === undefined) return;
      const task = this.waiting.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, input: task.input });
    }
  }

  /** A new worker, when the pool is not full. */
  private start(): Slot<I, O> | undefined {
    if (this.slots.length >= this.size) return undefined;
    // from the TypeScript sources (tests, `npm run dev`), the worker compiles them with tsx too
    const worker = this.entry.pathname.endsWith(".ts")
      ? new Worker(
          `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(this.entry.href)}); });`,
          { eval: true },
        )
      : new Worker(this.entry);
    const slot: Slot<I, O> = { worker };
    worker.on("message", (answer: WorkerAnswer<O>) => this.settle(slot, answer));
    worker.on("error", (error) => this.fail(slot, error));
    worker.on("exit", (code) => this.fail(slot, new Error(`a worker stopped (exit code ${code})`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot<I, O>, answer: WorkerAnswer<O>): void {
    const task = slot.task;
    if (task === undefined || task.id !== answer.id) return;
    slot.task = undefined;
    slot.worker.unref();
    if (answer.ok) task.resolve(answer.output);
    else task.reject(Object.assign(new Error(answer.error.message), { name: answer.error.name }));
    this.dispatch();
  }

  /** The worker is gone: its task fails, and a new worker takes the waiting ones. */
  private fail(slot: Slot<I, O>, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    slot.task?.reject(error);
    slot.task = undefined;
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}
