/**
 * Micro-batching: the rows of concurrent requests are scored in one model run. A request queued
 * is flushed on the next turn of the event loop (`setImmediate`), so every request read in the
 * same I/O turn shares a run and a lone request waits for nothing. A flush does not wait for the
 * previous run to resolve: onnxruntime-node runs a session on the main thread (its `run` defers
 * to the next turn and then runs synchronously), so runs never overlap in time anyway, and holding
 * the requests read meanwhile until the previous run resolved only made them wait one more turn
 * (the 64-connection benchmark's p99). `maxWaitMs` > 0 also holds a batch that is not full for
 * up to that long. A batch never exceeds `maxRows` unless one request alone is larger (it then
 * runs alone).
 *
 * When a batch fails (a `FeatureError` from one request's values), each of its requests is scored
 * alone, so only the request at fault gets the error and every row's result is the same as
 * scoring that request by itself.
 */
import type { CellValue } from "../data/dataset.js";
import type { TaskScores } from "../steps/model-outputs.js";

export interface BatchOptions {
  /** Most rows per model run (default 256). */
  maxRows: number;
  /** How long a batch that is not full may wait for more requests, in ms (default 0: one event-loop turn). */
  maxWaitMs: number;
}

export const DEFAULT_BATCH_OPTIONS: BatchOptions = { maxRows: 256, maxWaitMs: 0 };

type ScoreRows = (rows: ReadonlyArray<readonly CellValue[]>) => Promise<TaskScores>;

interface Job {
  rows: ReadonlyArray<readonly CellValue[]>;
  resolve(scores: TaskScores): void;
  reject(error: unknown): void;
}

export class MicroBatcher {
  private queue: Job[] = [];
  private queuedRows = 0;
  /** Runs handed to the model and not yet resolved. */
  private running = 0;
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly score: ScoreRows,
    private readonly options: BatchOptions,
    private readonly onBatch: (rows: number) => void = () => {},
  ) {}

  /** Scores `rows` (one request's instances) in the next batch. */
  submit(rows: ReadonlyArray<readonly CellValue[]>): Promise<TaskScores> {
    return new Promise<TaskScores>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      this.schedule();
    });
  }

  /** True when nothing is queued or running. */
  get idle(): boolean {
    return this.running === 0 && this.queue.length === 0;
  }

  /** Resolves once nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.queue.length === 0) return;
    const full = this.queuedRows >= this.options.maxRows;
    if (this.scheduled !== null) {
      if (!full) return;
      this.cancelScheduled();
    }
    if (full || this.options.maxWaitMs <= 0) this.scheduled = setImmediate(() => this.flush());
    else this.scheduled = setTimeout(() => this.flush(), this.options.maxWaitMs);
  }

  private cancelScheduled(): void {
    if (this.scheduled === null) return;
    clearImmediate(this.scheduled as NodeJS.Immediate);
    clearTimeout(this.scheduled as NodeJS.Timeout);
    this.scheduled = null;
  }

  private flush(): void {
    this.scheduled = null;
    if (this.queue.length === 0) return;
    const jobs = this.take();
    this.running++;
    void this.run(jobs).finally(() => {
      this.running--;
      if (this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    this.schedule(); // what is left beyond maxRows goes in the next turn's batch
  }

  /** Jobs from the front of the queue up to `maxRows` rows (at least one job). */
  private take(): Job[] {
    let rows = 0;
    let count = 0;
    while (count < this.queue.length) {
      const next = this.queue[count]!.rows.length;
      if (count > 0 && rows + next > this.options.maxRows) break;
      rows += next;
      count++;
    }
    const jobs = this.queue.splice(0, count);
    this.queuedRows -= rows;
    return jobs;
  }

  private async run(jobs: Job[]): Promise<void> {
    const rows = jobs.length === 1 ? jobs[0]!.rows : jobs.flatMap((j) => j.rows);
    let scores: TaskScores;
    try {
      this.onBatch(rows.length);
      scores = await this.score(rows);
    } catch (error) {
      if (jobs.length === 1) jobs[0]!.reject(error);
      else for (const job of jobs) await this.runAlone(job);
      return;
    }
    let offset = 0;
    for (const job of jobs) {
      job.resolve(sliceScores(scores, offset, job.rows.length));
      offset += job.rows.length;
    }
  }

  private async runAlone(job: Job): Promise<void> {
    try {
      this.onBatch(job.rows.length);
      job.resolve(await this.score(job.rows));
    } catch (error) {
      job.reject(error);
    }
  }
}

function sliceScores(scores: TaskScores, offset: number, rows: number): TaskScores {
  return { values: scores.values.subarray(offset * scores.width, (offset + rows) * scores.width), width: scores.width };
}
