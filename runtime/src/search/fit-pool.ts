/**
 * Trains search candidates concurrently within the machine's cores: a pool of worker threads
 * (`fit-worker.ts`), one task at a time each. Run from TypeScript sources (tests), the workers
 * register tsx themselves (Node 20 workers do not inherit the parent's loader hooks). A failed training rejects its own task only; a worker that dies
 * rejects what it was running and is replaced.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FitResult, FitTask } from "./fit-task.js";
import { FIT_WORKER_ROLE, type FromFitWorker, type ToFitWorker } from "./fit-worker.js";

interface Pending {
  id: number;
  task: FitTask;
  resolve(result: FitResult): void;
  reject(error: Error): void;
}

export class FitPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;
  private workers = 0;

  /** `size` defaults to the cores this process may use. */
  constructor(private readonly size = Math.max(1, availableParallelism())) {}

  get threads(): number {
    return this.size;
  }

  run(task: FitTask): Promise<FitResult> {
    if (this.closed) return Promise.reject(new Error("the training pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error("the training pool was closed"));
    const all = [...this.idle.splice(0), ...this.busy.keys()];
    for (const pending of this.busy.values()) pending.reject(new Error("the training pool was closed")); // mid-fit (a step's timeout)
    this.busy.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.postMessage({ id: pending.id, task: pending.task } satisfies ToFitWorker);
    }
  }

  private spawn(): Worker {
    const fromSource = import.meta.url.endsWith(".ts");
    const worker = new Worker(fromSource ? sourceBootstrap() : new URL("./fit-worker.js", import.meta.url), {
      workerData: { role: FIT_WORKER_ROLE },
      execArgv: fromSource ? ["--conditions=source"] : [],
      stdout: false,
      stderr: false,
    });
    this.workers++;
    worker.on("message", (message: FromFitWorker) => {
      const pending = this.busy.get(worker);
      if (!pending || pending.id !== message.id) return;
      this.busy.delete(worker);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(message.message));
      if (!this.closed) {
        this.idle.push(worker);
        this.dispatch();
      }
    });
    const lost = (error: Error): void => {
      this.workers--;
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      pending?.reject(error);
      if (!this.closed) this.dispatch();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => {
      if (!this.closed && (this.busy.has(worker) || this.idle.includes(worker))) lost(new Error(`a training worker exited (code ${code})`));
    });
    return worker;
  }
}

/** A worker entry that registers tsx, then loads `fit-worker.ts` (only when running from sources). */
function sourceBootstrap(): URL {
  const tsx = import.meta.resolve("tsx/esm/api");
  const worker = new URL("./fit-worker.ts", import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(worker)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
