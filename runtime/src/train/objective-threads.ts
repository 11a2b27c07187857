/**
 * Helper threads for the objective's full passes over the data: the rows, targets, parameters
 * and per-chunk partial sums live in shared memory; for each evaluation the calling thread and
 * the helpers claim chunks from a shared counter until none is left (so a helper that is slow to
 * start or descheduled on a busy machine just takes fewer), and the caller blocks (`Atomics.wait`)
 * until the last claimed chunk is done. `train` stays synchronous.
 *
 * The helpers run the kernel's own source text (`objective-kernel.ts`), evaluated as a worker
 * script, so they need no module loader and run the same code from the sources and from `dist`.
 * A helper that fails or stops making progress is given up: the caller computes every chunk of
 * that evaluation itself and the remaining evaluations alone, with its own partials.
 */
import { Worker } from "node:worker_threads";
import {
  accumulateChunk,
  accumulateMultinomialChunk,
  accumulateSingleOutputChunk,
  helperLoop,
  type KernelData,
} from "./objective-kernel.js";

const GENERATION = 0;
const NEXT_CHUNK = 1;
const DONE_CHUNKS = 2;
const STOP = 3;
const FAILED = 4;
/** A claimed chunk takes milliseconds; this long without one finishing means the helper is gone. */
const STALL_MS = 30_000;

/** Copies of `data`'s arrays in shared memory (the rows are copied once, before the helpers start). */
export function sharedKernelData(data: KernelData): KernelData {
  return {
    ...data,
    x: shared(data.x, Float32Array),
    y: shared(data.y, Float64Array),
    mean: shared(data.mean, Float64Array),
    params: shared(data.params, Float64Array),
    partials: shared(data.partials, Float64Array),
  };
}

function shared<T extends Float32Array | Float64Array>(array: T, kind: { new (buffer: SharedArrayBuffer): T }): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = new kind(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

export class ObjectiveThreads {
  private readonly control = new Int32Array(new SharedArrayBuffer(5 * Int32Array.BYTES_PER_ELEMENT));
  private readonly workers: Worker[] = [];
  private healthy = true;

  /**
   * Starts `helpers` threads over `data` (its arrays must be shared: `sharedKernelData`), `chunks`
   * chunks per pass. With `callerComputes` false the calling thread only waits (the helpers do
   * every chunk: what the tests use to check the helpers' own results).
   */
  constructor(
    private data: KernelData,
    private readonly chunks: number,
    helpers: number,
    private readonly callerComputes = true,
  ) {
    for (let h = 0; h < helpers; h++) {
      const worker = new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: { data, control: this.control, chunks },
        stdout: false,
        stderr: false,
      });
      worker.on("error", () => Atomics.store(this.control, FAILED, 1));
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** The partial sums of every chunk at the current `params`, computed by this thread and the helpers. */
  run(): Float64Array {
    if (!this.healthy) return this.runAlone();
    const control = this.control;
    Atomics.store(control, DONE_CHUNKS, 0);
    Atomics.store(control, NEXT_CHUNK, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    while (this.callerComputes) {
      const chunk = Atomics.add(control, NEXT_CHUNK, 1);
      if (chunk >= this.chunks) break;
      accumulateChunk(this.data, chunk);
      Atomics.add(control, DONE_CHUNKS, 1);
    }
    for (;;) {
      const done = Atomics.load(control, DONE_CHUNKS);
      if (done >= this.chunks) return this.data.partials;
      if (Atomics.load(control, FAILED) !== 0 || Atomics.wait(control, DONE_CHUNKS, done, STALL_MS) === "timed-out") {
        if (Atomics.load(control, DONE_CHUNKS) === done) return this.giveUp();
      }
    }
  }

  /** False once a helper failed or stalled (then this thread computes every pass alone). */
  get helping(): boolean {
    return this.healthy;
  }

  /** Stops the helpers (they exit on their own; nothing waits for them). */
  close(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    for (const worker of this.workers.splice(0)) void worker.terminate().catch(() => {});
  }

  private giveUp(): Float64Array {
    this.healthy = false;
    this.close();
    return this.runAlone();
  }

  /** Every chunk on this thread, into partials of its own (a lost helper may still write the shared ones). */
  private runAlone(): Float64Array {
    if (this.data.partials.buffer instanceof SharedArrayBuffer) {
      this.data = { ...this.data, partials: new Float64Array(this.data.partials.length) };
    }
    for (let chunk = 0; chunk < this.chunks; chunk++) accumulateChunk(this.data, chunk);
    return this.data.partials;
  }
}

/** The kernel module's functions, as a worker script (calls between them stay inside that module's text). */
const HELPER_SOURCE = [
  accumulateChunk,
  accumulateSingleOutputChunk,
  accumulateMultinomialChunk,
  helperLoop,
  'helperLoop(require("node:worker_threads").workerData);',
].join("\n");
