/**
 * Runs a plan's step DAG on this machine: independent steps concurrently (bounded), a cacheable
 * step skipped when its effective key already has stored outputs, each attempt under the step's
 * `timeout` and retried as its `retries` say (`step-attempts.ts`), a failure stopping only its
 * dependents; every run and step recorded in the metadata store.
 *
 * Crash safety: an artifact is complete or absent (the store writes temp + rename) and a step's
 * cache entry is written only after all its outputs, in one statement. A run killed at any point
 * leaves at worst a `running` row (marked `interrupted` by the next open) and steps that re-run.
 */
import { durationLiteral } from "@mlops/compiler/core";
import { join, relative } from "node:path";
import type { Plan, Step } from "@mlops/compiler";
import { writeFileAtomic } from "@mlops/compiler/cli-core";
import { NO_GRANTS, type PathGrants } from "../files/project-paths.js";
import { STEP_IMPLEMENTATIONS } from "../steps/index.js";
import { ArtifactError } from "../store/artifact-store.js";
import type { Stores } from "../store/open-stores.js";
import { effectiveKeys, planHash, producerOf } from "./cache-keys.js";
import { withUpstream } from "./upstream.js";
import { gitState, runContext } from "./run-context.js";

export { planHash } from "./cache-keys.js";
import { silentReporter, type RunReporter, type RunResult, type StepResult } from "./reporter.js";
import { StepFailure, type StepContext, type StepOutcome } from "./step-context.js";
import { type AttemptFailure, type AttemptLimit, AttemptsFailed, runAttempts } from "./step-attempts.js";

export interface RunOptions {
  /** Which schedule's steps to run (default `pipeline`). Ignored when `only` is given. */
  group?: string;
  /** Run these steps (ids, or kinds such as `train`) and what they need. */
  only?: string[];
  /** Run exactly these step ids, reading their inputs from the store (`mlops run-step`). */
  exact?: string[];
  /** Ignore the cache: re-run every selected step (with `only`: the named steps). */
  force?: boolean;
  /** Steps running at once (default 2). */
  concurrency?: number;
  /**
   * Join the run with this id (an orchestrator's run id: `mlops run-step --run-id`): each process
   * records its steps under it, and the run ends when its group's steps are all done.
   */
  runId?: string;
  reporter?: RunReporter;
  /** `run-step --exchange DIR --stage collect`: an external trainer already ran in its own container. */
  exchange?: { dir: string; stage: "collect" };
  /**
   * Retry a failing step as its `retries` say (default true). False when an orchestrator retries
   * the step itself (`run-step --run-id`): one attempt, still under the step's `timeout`.
   */
  stepRetries?: boolean;
  /** Directories outside the project the run may read from and write to (default: none). */
  grants?: PathGrants;
  /** The environment steps read secrets and `s3://` settings from (the CLI's; default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** The outcome of a step, stored beside its outputs so a cached step shows the same summary. */
const OUTCOME = "_outcome";

/** The steps `options` select, in plan order. Throws for an unknown step or group. */
export function selectSteps(plan: Plan, options: Pick<RunOptions, "group" | "only" | "exact">): Step[] {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  if (options.exact && options.exact.length > 0) {
    for (const id of options.exact)
      if (!byId.has(id)) throw new Error(`no step ${id} in the plan (steps: ${plan.steps.map((s) => s.id).join(", ")})`);
    return plan.steps.filter((s) => options.exact!.includes(s.id));
  }
  if (options.only && options.only.length > 0) {
    const wanted = new Set<string>();
    for (const name of options.only) {
      const matches = plan.steps.filter((s) => s.id === name || s.kind === name);
      if (matches.length === 0) throw new Error(`no step ${name} in the plan (steps: ${plan.steps.map((s) => s.id).join(", ")})`);
      for (const step of matches) wanted.add(step.id);
    }
    const closure = withUpstream(plan, wanted);
    return plan.steps.filter((s) => closure.has(s.id));
  }
  const group = options.group ?? "pipeline";
  const steps = plan.steps.filter((s) => s.group === group);
  if (steps.length === 0 && group !== "pipeline") {
    const groups = [...new Set(plan.steps.map((s) => s.group))];
    throw new Error(`no step group ${group} in the plan (groups: ${groups.join(", ")})`);
  }
  return steps;
}

export async function runPlan(
  plan: Plan,
  projectRoot: string,
  stores: Pick<Stores, "artifacts" | "metadata">,
  options: RunOptions = {},
): Promise<RunResult> {
  const selected = selectSteps(plan, options);
  const reporter = options.reporter ?? silentReporter;
  const group = options.exact?.length ? "step" : options.only?.length ? "only" : (options.group ?? "pipeline");
  const started = performance.now();
  const git = gitState(projectRoot);
  const access = { grants: options.grants, env: options.env ?? process.env };
  const { keys, dataHashes } = await effectiveKeys(plan, projectRoot, access, selected);
  const { metadata } = stores;
  const interrupted = await metadata.markInterrupted();
  const hash = planHash(plan);
  const run = await metadata.startRun({
    planHash: hash,
    pipeline: plan.pipeline.name,
    env: plan.env,
    ...(options.runId ? { id: options.runId } : {}),
  });
  await metadata.recordRunContext(run.id, await runContext(plan, hash, dataHashes, git));
  reporter.runStarted({ runId: run.id, pipeline: plan.pipeline.name, group, steps: selected, interrupted });
  const executor = new StepRunner(plan, hash, projectRoot, stores, run.id, keys, dataHashes, options, reporter);
  const heartbeat = setInterval(() => void metadata.heartbeat(run.id).catch(() => {}), Math.max(metadata.leaseMs / 3, 50));
  heartbeat.unref();
  let results: StepResult[];
  try {
    results = await schedule(
      selected,
      options.concurrency ?? 2,
      (step) => executor.run(step),
      (step, reason) => executor.skip(step, reason),
    );
  } finally {
    clearInterval(heartbeat);
  }
  const failed = results.some((r) => r.status === "failed" || r.status === "skipped");
  const firstError = results.find((r) => r.status === "failed")?.error;
  if (options.runId) {
    const groups = new Set(selected.map((s) => s.group));
    await metadata.settleRun(
      run.id,
      plan.steps.filter((s) => groups.has(s.group)).map((s) => s.id),
    );
  } else {
    await metadata.finishRun(run.id, failed ? "failed" : "succeeded", failed ? firstError?.split("\n")[0] : undefined);
  }
  const result: RunResult = {
    runId: run.id,
    pipeline: plan.pipeline.name,
    group,
    status: failed ? "failed" : "succeeded",
    durationMs: performance.now() - started,
    steps: results,
    interrupted,
  };
  reporter.runFinished(result);
  return result;
}

/** Runs `steps` in dependency order, at most `limit` at once; a step whose need did not succeed is skipped. */
async function schedule(
  steps: Step[],
  limit: number,
  run: (step: Step) => Promise<StepResult>,
  skip: (step: Step, reason: string) => Promise<StepResult>,
): Promise<StepResult[]> {
  const selected = new Set(steps.map((s) => s.id));
  const results = new Map<string, StepResult>();
  const pending = [...steps];
  const running = new Map<string, Promise<void>>();
  while (pending.length > 0 || running.size > 0) {
    for (let i = 0; i < pending.length; i++) {
      const step = pending[i]!;
      const needs = step.needs.filter((n) => selected.has(n));
      const blocked = needs.find((n) => {
        const status = results.get(n)?.status;
        return status === "failed" || status === "skipped";
      });
      if (blocked) {
        results.set(step.id, await skip(step, `${blocked} did not succeed`));
        pending.splice(i--, 1);
        continue;
      }
      if (running.size >= limit || !needs.every((n) => results.has(n))) continue;
      pending.splice(i--, 1);
      running.set(
        step.id,
        run(step).then((result) => {
          results.set(step.id, result);
          running.delete(step.id);
        }),
      );
    }
    if (running.size > 0) await Promise.race(running.values());
    else if (pending.length > 0) throw new Error(`cannot schedule ${pending.map((s) => s.id).join(", ")}: their needs are not in the plan`);
  }
  return steps.map((s) => results.get(s.id)!);
}

class StepRunner {
  /** Artifact name → hash, for every output produced or found cached in this run. */
  private readonly produced = new Map<string, string>();

  constructor(
    private readonly plan: Plan,
    private readonly planHash: string,
    private readonly projectRoot: string,
    private readonly stores: Pick<Stores, "artifacts" | "metadata">,
    private readonly runId: string,
    private readonly keys: Map<string, string>,
    private readonly dataHashes: Record<string, string>,
    private readonly options: RunOptions,
    private readonly reporter: RunReporter,
  ) {}

  /** `--force` re-runs every selected step; with `--only`, just the named ones (what they need may stay cached). */
  private forced(step: Step): boolean {
    if (!this.options.force) return false;
    const only = this.options.only ?? [];
    return only.length === 0 || only.some((name) => step.id === name || step.kind === name);
  }

  async skip(step: Step, reason: string): Promise<StepResult> {
    const { metadata } = this.stores;
    await metadata.startStep(this.runId, step.id, { cacheKey: this.keys.get(step.id) ?? step.cacheKey });
    await metadata.finishStep(this.runId, step.id, { status: "skipped", error: reason, durationMs: 0 });
    const result: StepResult = {
      stepId: step.id,
      kind: step.kind,
      status: "skipped",
      durationMs: 0,
      metrics: {},
      error: reason,
      reports: [],
      outputs: {},
    };
    this.reporter.stepFinished(step, result);
    return result;
  }

  async run(step: Step): Promise<StepResult> {
    const { metadata } = this.stores;
    const key = this.keys.get(step.id) ?? step.cacheKey;
    const start = performance.now();
    await metadata.startStep(this.runId, step.id, { cacheKey: key, inputs: this.knownInputs(step) });
    this.reporter.stepStarted(step);
    let outputs: Record<string, string> = {};
    try {
      const cached = step.cacheable && !this.forced(step) ? await this.cached(step, key) : undefined;
      if (cached) return await this.finish(step, start, { status: "cached", outputs: cached.outputs, outcome: cached.outcome });
      const load = STEP_IMPLEMENTATIONS[step.kind];
      if (!load) throw new StepFailure(`the local runtime does not run ${step.kind} steps yet`);
      const implementation = await load();
      const done = await runAttempts(
        step.id,
        step.execution,
        { retries: this.options.stepRetries !== false },
        async (limit) => {
          // each attempt writes its own outputs: one abandoned at its time limit cannot add to the next
          const own: Record<string, string> = {};
          outputs = own;
          const outcome = await implementation(this.context(step, own, limit));
          own[`${step.id}/${OUTCOME}`] = (await this.stores.artifacts.putJson(outcome)).hash;
          const missing = step.outputs.filter((name) => own[name] === undefined);
          if (missing.length > 0) throw new Error(`step ${step.id} did not write ${missing.join(", ")}`);
          return outcome;
        },
        {
          retrying: (failure, of, delayMs) =>
            this.reporter.stepNote(
              step,
              `attempt ${failure.attempt} of ${of} failed: ${failure.error}; retrying in ${durationLiteral(delayMs)}`,
            ),
        },
      );
      await metadata.putCacheEntry(key, step.id, outputs, this.runId);
      return await this.finish(step, start, { status: "succeeded", outputs, outcome: done.value, attempts: done });
    } catch (error) {
      if (error instanceof AttemptsFailed)
        return this.finish(step, start, {
          status: "failed",
          outputs,
          error: error.error,
          attempts: { ...error, of: this.attemptsOf(step) },
        });
      return this.finish(step, start, { status: "failed", outputs, error });
    }
  }

  /** How many attempts this run gives `step`. */
  private attemptsOf(step: Step): number {
    return this.options.stepRetries === false ? 1 : step.execution.retries + 1;
  }

  private async finish(
    step: Step,
    start: number,
    end: {
      status: "succeeded" | "cached" | "failed";
      outputs: Record<string, string>;
      outcome?: StepOutcome;
      error?: unknown;
      attempts?: { attempts: number; failures: AttemptFailure[]; of?: number };
    },
  ): Promise<StepResult> {
    for (const [name, hash] of Object.entries(end.outputs)) this.produced.set(name, hash);
    const durationMs = performance.now() - start;
    const failure = end.error instanceof StepFailure ? end.error : undefined;
    const attempts = end.attempts?.attempts ?? 1;
    const message = end.error === undefined ? undefined : attemptText(errorText(end.error), attempts, end.attempts?.of);
    const metrics = end.outcome?.metrics ?? failure?.metrics ?? {};
    const visible = Object.fromEntries(Object.entries(end.outputs).filter(([name]) => !name.endsWith(`/${OUTCOME}`)));
    await this.stores.metadata.finishStep(this.runId, step.id, {
      status: end.status,
      cacheHit: end.status === "cached",
      outputs: visible,
      durationMs,
      ...(message ? { error: message } : {}),
    });
    if (Object.keys(metrics).length > 0) await this.stores.metadata.recordMetrics(this.runId, step.id, metrics);
    if (end.outcome?.details) await this.stores.metadata.recordStepDetails(this.runId, step.id, end.outcome.details);
    if (attempts > 1)
      await this.stores.metadata.recordStepDetails(this.runId, step.id, {
        attempts: { count: attempts, failures: end.attempts?.failures ?? [] },
      });
    const result: StepResult = {
      stepId: step.id,
      kind: step.kind,
      status: end.status,
      durationMs,
      metrics,
      ...(end.outcome?.summary ? { summary: end.outcome.summary } : {}),
      ...(message ? { error: message } : {}),
      reports: failure?.reports ?? [],
      outputs: visible,
      ...(attempts > 1 ? { attempts } : {}),
    };
    this.reporter.stepFinished(step, result);
    return result;
  }

  /** A complete, intact cache entry for `key`; a tampered output is an error naming it. */
  private async cached(step: Step, key: string): Promise<{ outputs: Record<string, string>; outcome: StepOutcome } | undefined> {
    const entry = await this.stores.metadata.getCacheEntry(key);
    if (!entry || entry.stepId !== step.id) return undefined;
    if (!step.outputs.every((name) => entry.outputs[name] !== undefined)) return undefined;
    for (const [name, hash] of Object.entries(entry.outputs)) if (!(await this.verify(name, hash))) return undefined;
    const outcomeHash = entry.outputs[`${step.id}/${OUTCOME}`];
    const outcome = outcomeHash ? await this.stores.artifacts.getJson<StepOutcome>(outcomeHash) : {};
    return { outputs: entry.outputs, outcome };
  }

  /** False when the artifact is missing (the step re-runs); a corrupt one is an error naming it. */
  private async verify(name: string, hash: string): Promise<boolean> {
    try {
      await this.stores.artifacts.verify(hash);
      return true;
    } catch (error) {
      if (error instanceof ArtifactError && error.code === "missing") return false;
      if (error instanceof ArtifactError) throw new StepFailure(`${name}: ${error.message}`);
      throw error;
    }
  }

  private knownInputs(step: Step): Record<string, string> {
    const inputs: Record<string, string> = {};
    for (const [name, artifact] of Object.entries(step.inputs)) {
      const hash = this.produced.get(artifact);
      if (hash) inputs[name] = hash;
    }
    return inputs;
  }

  /** The hash of an upstream artifact: produced in this run, or stored by an earlier one (run-step). */
  private async hashOf(artifactName: string): Promise<string> {
    const known = this.produced.get(artifactName);
    if (known) return known;
    const producer = producerOf(artifactName);
    const key = this.keys.get(producer);
    const entry = key ? await this.stores.metadata.getCacheEntry(key) : null;
    const hash = entry?.outputs[artifactName];
    if (!hash)
      throw new StepFailure(
        `${artifactName} is not in the artifact store for this plan and data; run \`${producer}\` first (mlops run-step --step ${producer})`,
      );
    this.produced.set(artifactName, hash);
    return hash;
  }

  private async read(artifactName: string): Promise<Uint8Array> {
    const hash = await this.hashOf(artifactName);
    try {
      return await this.stores.artifacts.get(hash);
    } catch (error) {
      if (error instanceof ArtifactError) throw new StepFailure(`${artifactName}: ${error.message}`);
      throw error;
    }
  }

  private context(step: Step, outputs: Record<string, string>, limit: AttemptLimit): StepContext {
    const reportsDir = join(this.projectRoot, ".mlops", "reports", step.id);
    const overTime = (): void => {
      if (limit.signal.aborted || performance.now() > limit.deadline) throw limit.timeout;
    };
    return {
      plan: this.plan,
      planHash: this.planHash,
      step,
      projectRoot: this.projectRoot,
      grants: this.options.grants ?? NO_GRANTS,
      runId: this.runId,
      who: this.stores.metadata.user,
      dataHashes: this.dataHashes,
      artifacts: this.stores.artifacts,
      metadata: this.stores.metadata,
      readInput: (name) => {
        const artifact = step.inputs[name];
        if (artifact === undefined) throw new Error(`step ${step.id} has no input ${name}`);
        return this.read(artifact);
      },
      readArtifact: (artifactName) => this.read(artifactName),
      artifactHash: (artifactName) => this.hashOf(artifactName),
      writeOutput: async (name, content) => {
        overTime();
        const ref = await this.stores.artifacts.put(content);
        outputs[`${step.id}/${name}`] = ref.hash;
      },
      writeReport: async (fileName, content) => {
        const path = join(reportsDir, fileName);
        writeFileAtomic(path, content);
        return relative(this.projectRoot, path);
      },
      progress: (update) => {
        overTime();
        this.reporter.stepProgress(step, update);
      },
      note: (text) => {
        if (!limit.signal.aborted) this.reporter.stepNote(step, text);
      },
      signal: limit.signal,
      env: this.options.env ?? process.env,
      ...(this.options.exchange ? { exchange: this.options.exchange } : {}),
    };
  }
}

/** The error, its first line saying which attempt it ended when the step was tried more than once. */
function attemptText(message: string, attempts: number, of: number | undefined): string {
  if (attempts <= 1) return message;
  const [first, ...rest] = message.split("\n");
  return [`${first} (attempt ${attempts} of ${of ?? attempts})`, ...rest].join("\n");
}

function errorText(error: unknown): string {
  if (error instanceof StepFailure) return error.message;
  if (error instanceof Error && process.env.MLOPS_DEBUG && error.stack) return error.stack;
  if (error instanceof Error) return error.message || String(error);
  return String(error);
}
