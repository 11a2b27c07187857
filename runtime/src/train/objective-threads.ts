/**
 * Helper threads for the objective's full passes over the data. The parameters and per-chunk
 * partial sums live in shared memory; the helpers also get a shared copy of the rows they may
 * take: the last `helpers / (helpers + 1)` of the chunks (copying memory costs about as much as a
 * pass, so only their share is copied). For each pass the calling thread claims chunks from the
 * first one up, the helpers from the last one down (each chunk by compare-and-swap on its claim
 * slot), so a helper that is slow to start or descheduled on a busy machine just takes fewer; the
 * caller, which holds every row, takes what they leave, then blocks (`Atomics.wait`) until the
 * chunks the helpers claimed are done. `train` stays synchronous.
 *
 * The helpers run the kernel's own source text (`objective-kernel.ts`), evaluated as a worker
 * script, so they need no module loader and run the same code from the sources and from `dist`.
 * A helper that fails or stops making progress is given up: the caller computes every chunk of
 * that pass itself and the remaining passes alone, with partials of its own.
 */
import { Worker } from "node:worker_threads";
import {
  accumulateChunk,
  accumulateMultinomialChunk,
  accumulateSingleOutputChunk,
  helperLoop,
  softmaxResiduals,
  type HelperData,
  type KernelData,
} from "./objective-kernel.js";

const GENERATION = 0;
const DONE_CHUNKS = 1;
const STOP = 2;
const FAILED = 3;
/** A claimed chunk takes milliseconds; this long without one finishing means the helper is gone. */
const STALL_MS = 30_000;

export interface ThreadOptions {
  /**
   * False: the calling thread takes only the chunks no helper may take, and waits for the helpers
   * to do all of theirs (the tests check the helpers' results so).
   */
  callerComputes?: boolean;
}

export class ObjectiveThreads {
  /** The caller's view: its own rows, the shared parameters (write them before `run`) and partials. */
  readonly kernel: KernelData;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  private readonly claims: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly callerComputes: boolean;
  /** Helpers may take chunks from this one on (their copy of the rows starts there). */
  private readonly firstHelperChunk: number;
  private generation = 0;
  private alone: KernelData | null = null;

  /** Starts `helpers` threads over `data`'s rows, `chunks` chunks of `data.chunkRows` rows per pass. */
  constructor(
    data: KernelData,
    private readonly chunks: number,
    helpers: number,
    options: ThreadOptions = {},
  ) {
    this.callerComputes = options.callerComputes ?? true;
    this.claims = new Int32Array(new SharedArrayBuffer(chunks * Int32Array.BYTES_PER_ELEMENT));
    this.kernel = { ...data, params: sharedCopy(data.params), partials: sharedCopy(data.partials) };
    const firstChunk = chunks - Math.floor((chunks * helpers) / (helpers + 1));
    this.firstHelperChunk = firstChunk;
    const firstRow = Math.min(data.count, firstChunk * data.chunkRows);
    const helperData: HelperData = {
      kernel: {
        ...this.kernel,
        x: sharedCopy(data.x.subarray(firstRow * data.nCols, data.count * data.nCols)),
        y: sharedCopy(data.y.subarray(firstRow, data.count)),
        mean: sharedCopy(data.mean),
        firstRow,
      },
      firstChunk,
      chunks,
      control: this.control,
      claims: this.claims,
    };
    for (let h = 0; h < helpers; h++) {
      const worker = new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: helperData,
        // plain arithmetic: no loader hooks or flags of the parent (e.g. tsx's) to boot
        execArgv: [],
        stdout: false,
        stderr: false,
      });
      worker.on("error", () => Atomics.store(this.control, FAILED, 1));
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** The partial sums of every chunk at the current parameters, computed by this thread and the helpers. */
  run(): Float64Array {
    if (this.alone) return this.runAlone(this.alone);
    const { control, claims } = this;
    const previous = this.generation++;
    Atomics.store(control, DONE_CHUNKS, 0);
    Atomics.store(control, GENERATION, this.generation);
    Atomics.notify(control, GENERATION);
    const last = this.callerComputes ? this.chunks : this.firstHelperChunk;
    for (let chunk = 0; chunk < last; chunk++) {
      if (Atomics.compareExchange(claims, chunk, previous, this.generation) !== previous) continue;
      accumulateChunk(this.kernel, chunk);
      Atomics.add(control, DONE_CHUNKS, 1);
    }
    for (;;) {
      const done = Atomics.load(control, DONE_CHUNKS);
      if (done >= this.chunks) return this.kernel.partials;
      if (Atomics.load(control, FAILED) !== 0 || Atomics.wait(control, DONE_CHUNKS, done, STALL_MS) === "timed-out") {
        if (Atomics.load(control, DONE_CHUNKS) === done) return this.giveUp();
      }
    }
  }

  /** False once a helper failed or stalled (then this thread computes every pass alone). */
  get helping(): boolean {
    return this.alone === null;
  }

  /** Stops the helpers (they exit on their own; nothing waits for them). */
  close(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    for (const worker of this.workers.splice(0)) void worker.terminate().catch(() => {});
  }

  private giveUp(): Float64Array {
    this.close();
    // a lost helper may still write the shared partials
    this.alone = { ...this.kernel, partials: new Float64Array(this.kernel.partials.length) };
    return this.runAlone(this.alone);
  }

  private runAlone(kernel: KernelData): Float64Array {
    for (let chunk = 0; chunk < this.chunks; chunk++) accumulateChunk(kernel, chunk);
    return kernel.partials;
  }
}

function sharedCopy<T extends Float32Array | Float64Array>(array: T): T {
  const copy = new (array.constructor as { new (buffer: SharedArrayBuffer): T })(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/** The kernel module's functions, as a worker script (calls between them stay inside that module's text). */
const HELPER_SOURCE = [
  accumulateChunk,
  accumulateSingleOutputChunk,
  accumulateMultinomialChunk,
  softmaxResiduals,
  helperLoop,
  'helperLoop(require("node:worker_threads").workerData);',
].join("\n");
