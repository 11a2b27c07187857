/**
 * A step's `timeout`, `retries` and `retry_delay` when the runtime runs it itself (`mlops run`,
 * `mlops run-step`): each attempt runs under an AbortSignal that fires at its time limit; an
 * attempt over its limit, or one whose failure another attempt may not repeat (`TransientStepFailure`:
 * an external trainer that failed or was killed), is tried again after the delay, up to `retries`
 * more times, and so is one that lost its connection to a store (`isTransient`). Any other failure
 * ends the step at once: a step's verdict on its inputs (`StepFailure`: bad rows, a failed gate) is
 * the same on the same inputs, and so is an error of the runtime's own steps; a run that failed
 * resumes from what it completed on the next `mlops run`.
 */
import type { StepExecution } from "@mlops/compiler";
import { TransientStepFailure } from "./step-context.js";
import { durationLiteral } from "@mlops/compiler/core";

/** How long a timed-out attempt may take to stop (an external trainer gets SIGTERM, then SIGKILL) before the step moves on. */
export const STOP_GRACE_MS = 10_000;
/** setTimeout's longest delay; a longer limit (over 24 days) is not timed. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** An attempt stopped at its time limit. */
export class StepTimeout extends TransientStepFailure {
  constructor(stepId: string, timeoutMs: number) {
    super(`${stepId} ran longer than its timeout of ${durationLiteral(timeoutMs)} and was stopped`);
  }
}

/** What one attempt gets: its signal (aborted at the time limit, with `timeout` as reason) and its deadline. */
export interface AttemptLimit {
  signal: AbortSignal;
  timeout: StepTimeout;
  /** `performance.now()` at which the attempt is over its time; in-process loops check it between units of work. */
  deadline: number;
  attempt: number;
}

export interface AttemptsResult<T> {
  value: T;
  attempts: number;
  /** The attempts that failed before the one that succeeded. */
  failures: AttemptFailure[];
}

/** Thrown when the last attempt failed: the error to report (a timeout as a StepTimeout) and how many attempts were made. */
export class AttemptsFailed extends Error {
  constructor(
    readonly error: unknown,
    readonly attempts: number,
    readonly failures: AttemptFailure[],
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** One failed attempt, as the run record keeps it. */
export interface AttemptFailure {
  attempt: number;
  error: string;
  timedOut: boolean;
  durationMs: number;
}

export interface AttemptHooks {
  /** Called before waiting `delayMs` to try again; `of` is the number of attempts the step may make. */
  retrying(failure: AttemptFailure, of: number, delayMs: number): void;
}

/**
 * Runs `attempt` until it succeeds or the step's retries are spent. `retries: false` makes one
 * attempt (an orchestrator that retries the step itself runs it).
 */
export async function runAttempts<T>(
  stepId: string,
  execution: Pick<StepExecution, "timeoutMs" | "retries" | "retryDelayMs">,
  options: { retries: boolean },
  attempt: (limit: AttemptLimit) => Promise<T>,
  hooks: AttemptHooks,
): Promise<AttemptsResult<T>> {
  const total = options.retries ? execution.retries + 1 : 1;
  const failures: AttemptFailure[] = [];
  for (let n = 1; ; n++) {
    const started = performance.now();
    try {
      return { value: await withTimeLimit(stepId, execution.timeoutMs, n, attempt), attempts: n, failures };
    } catch (error) {
      const timedOut = error instanceof StepTimeout;
      failures.push({ attempt: n, error: firstLine(error), timedOut, durationMs: performance.now() - started });
      if (n >= total || !isTransient(error)) throw new AttemptsFailed(error, n, failures);
      hooks.retrying(failures[failures.length - 1]!, total, execution.retryDelayMs);
      await sleep(execution.retryDelayMs);
    }
  }
}

/** One attempt under its time limit: a failure after the deadline is the timeout, whatever the step threw. */
async function withTimeLimit<T>(stepId: string, timeoutMs: number, n: number, attempt: (limit: AttemptLimit) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timeout = new StepTimeout(stepId, timeoutMs);
  const deadline = performance.now() + timeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (timeoutMs > LONGEST_TIMER_MS) return;
    timer = setTimeout(() => {
      controller.abort(timeout);
      reject(timeout);
    }, timeoutMs);
  });
  const work = attempt({ signal: controller.signal, timeout, deadline, attempt: n });
  try {
    return await Promise.race([work, expired]);
  } catch (error) {
    if (error !== timeout && performance.now() < deadline) throw error;
    controller.abort(timeout);
    // let the attempt stop (and clean up after itself) before the step is retried or recorded
    await settledWithin(work, STOP_GRACE_MS);
    throw timeout;
  } finally {
    clearTimeout(timer);
    work.catch(() => {}); // an attempt abandoned at its deadline may still fail later: nobody waits for it
  }
}

/** Node's codes of a connection that failed or broke (the network, a store restarting). */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
/** PostgreSQL SQLSTATEs another attempt may not meet: a lost connection, a server shutting down, a conflict. */
const POSTGRES_TRANSIENT = /^(08...|57P0[123]|40001|40P01|53300)$/;

/**
 * Whether another attempt may succeed: a timeout or a failed external trainer, or — anywhere in the
 * error's `cause` chain — a broken connection, a PostgreSQL connection or conflict error, or an S3
 * error the SDK marks retryable (throttling, 5xx) after its own retries.
 */
export function isTransient(error: unknown): boolean {
  let at: unknown = error;
  for (let depth = 0; depth < 5 && at !== null && typeof at === "object"; depth++) {
    if (at instanceof TransientStepFailure) return true;
    const e = at as { code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown }; cause?: unknown };
    if (typeof e.code === "string" && (NETWORK_CODES.has(e.code) || POSTGRES_TRANSIENT.test(e.code))) return true;
    if (e.$retryable) return true;
    const status = e.$metadata?.httpStatusCode;
    if (typeof status === "number" && (status >= 500 || status === 429)) return true;
    at = e.cause;
  }
  return false;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!;
}

/** Waits until `work` settles or `ms` pass, whichever comes first, leaving no timer behind. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([work.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
