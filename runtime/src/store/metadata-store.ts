/**
 * The metadata store: runs, step executions, metrics, lineage, the step cache index and (through
 * `registry`) the model registry. Two implementations behind one async interface: SQLite in
 * `.mlops/metadata.db` (`sqlite/`) and PostgreSQL (`postgres/`); the same test suite runs against
 * both. Every method is one transaction; several processes may use one store at once.
 */
import type { ModelRegistry, ModelVersion } from "./model-registry.js";
import type { LeaseResult } from "./named-leases.js";

export type RunStatus = "running" | "succeeded" | "failed" | "interrupted";
export type StepStatus = "running" | "succeeded" | "failed" | "cached" | "skipped" | "interrupted";

export interface RunRecord {
  id: string;
  planHash: string;
  pipeline: string | null;
  env: string | null;
  /** The OS user who started the run. */
  user: string;
  host: string;
  pid: number;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  error: string | null;
}

export interface StepRecord {
  runId: string;
  stepId: string;
  status: StepStatus;
  cacheKey: string | null;
  cacheHit: boolean;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** Input name → artifact hash. */
  inputs: Record<string, string>;
  /** Output name → artifact hash. */
  outputs: Record<string, string>;
  error: string | null;
}

export interface MetricRecord {
  stepId: string;
  name: string;
  value: number | null;
}

export interface RunDetails extends RunRecord {
  steps: StepRecord[];
  metrics: MetricRecord[];
  /** What reproduces the run (null for runs recorded before it was kept). */
  context: RunContext | null;
  /** Structured records of the steps (hyperparameters, curves, search candidates), by step, in step order. */
  details: StepDetail[];
}

/**
 * What reproduces a run: the env and its resolved params, plan and source hashes, the data each
 * source read, every model's trainer, the git commit (when the project is in a git repository)
 * and the tool. Built by `executor/run-context.ts`.
 */
export interface RunContext {
  env: string | null;
  params: Record<string, unknown>;
  planHash: string;
  sourceHash: string;
  /** sha256 of each source file the run read, by source name. */
  data: Record<string, string>;
  models: Record<string, { task: string; trainer: Record<string, unknown>; search?: Record<string, unknown> }>;
  git: { commit: string; dirty: boolean; branch: string | null } | null;
  tool: { name: string; version: string; node: string; platform: string };
}

/** One structured record of a step: `train.m` → `hyperparameters`, `evaluate.m` → `curves`, ... (JSON). */
export interface StepDetail {
  stepId: string;
  name: string;
  value: unknown;
}

/** A node of the lineage graph: `plan` (plan hash), `data` (file hash), `features`, `model` (artifact hashes), ... */
export interface LineageNode {
  kind: string;
  id: string;
}

export interface LineageEdge {
  from: LineageNode;
  to: LineageNode;
  runId: string | null;
}

export interface CacheEntry {
  cacheKey: string;
  stepId: string;
  /** Output name → artifact hash. */
  outputs: Record<string, string>;
  runId: string | null;
  createdAt: string;
}

export interface StartRunInput {
  planHash: string;
  pipeline?: string;
  env?: string | null;
  /**
   * Join, or create, the run with this id (an orchestrator's run id): the steps several processes
   * run under one id are one run. Joining a run of another plan is an error.
   */
  id?: string;
}

export interface StartStepInput {
  cacheKey?: string;
  inputs?: Record<string, string>;
}

export interface FinishStepInput {
  status: Exclude<StepStatus, "running">;
  cacheHit?: boolean;
  outputs?: Record<string, string>;
  error?: string;
  durationMs?: number;
}

export interface MetadataStoreOptions {
  /** Who acts (audit trail, runs); default the OS user. */
  user?: string;
  /** Clock, for tests. */
  now?: () => Date;
  /** How long a run's lease lasts without a heartbeat (default 60 s). */
  leaseMs?: number;
  /**
   * Checks a version's artifacts (present, hash-correct) before an alias is moved to it; throws to
   * refuse. `openStores` passes a check against the artifact store.
   */
  verifyVersion?: (version: ModelVersion) => Promise<void>;
}

export interface MetadataStore {
  /** The model registry kept in the same database. */
  readonly registry: ModelRegistry;
  /** Who acts through this store (runs, audit trail). */
  readonly user: string;
  /** Where it is, for messages: a path, or a URL without its password. */
  readonly location: string;
  /** How long a run's lease lasts; a working process calls `heartbeat` well within it. */
  readonly leaseMs: number;

  /**
   * Marks runs whose worker is gone (lease expired, or a dead process of this host) as
   * `interrupted`, with their running steps; returns their ids.
   */
  markInterrupted(): Promise<string[]>;
  /** Starts a run (or joins `run.id`), holding its lease. */
  startRun(run: StartRunInput): Promise<RunRecord>;
  /** Renews the lease of the run and of the steps this process is running in it. */
  heartbeat(runId: string): Promise<void>;
  finishRun(runId: string, status: Exclude<RunStatus, "running">, error?: string): Promise<RunRecord>;
  /**
   * Ends this process's part of a joined run: the run stays `running` while other processes work on
   * it or `expectedSteps` remain, is `failed` when a step failed, `succeeded` when all succeeded.
   */
  settleRun(runId: string, expectedSteps: string[]): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | null>;
  /** Newest first. */
  listRuns(options?: { limit?: number }): Promise<RunRecord[]>;
  /** A run with its steps and metrics; `runId` may be a unique prefix of the id. */
  showRun(runId: string): Promise<RunDetails | null>;
  /** Steps whose id starts with `prefix` (every `monitor.` check, say), across runs, newest first. */
  listSteps(options: { prefix: string; limit?: number }): Promise<StepRecord[]>;

  startStep(runId: string, stepId: string, step?: StartStepInput): Promise<void>;
  finishStep(runId: string, stepId: string, result: FinishStepInput): Promise<StepRecord>;
  recordMetrics(runId: string, stepId: string, metrics: Record<string, number | null>): Promise<void>;
  /** Records (or replaces) what reproduces the run. */
  recordRunContext(runId: string, context: RunContext): Promise<void>;
  /** Records (or replaces) structured records of a step, by name. */
  recordStepDetails(runId: string, stepId: string, details: Record<string, unknown>): Promise<void>;

  recordLineage(edges: ReadonlyArray<{ from: LineageNode; to: LineageNode }>, runId?: string): Promise<void>;
  /** Every edge upstream of `node` (what it was made from, transitively). */
  lineageOf(node: LineageNode): Promise<LineageEdge[]>;

  /** Records that the step with `cacheKey` produced `outputs` (all at once: an entry is complete or absent). */
  putCacheEntry(cacheKey: string, stepId: string, outputs: Record<string, string>, runId?: string): Promise<void>;
  getCacheEntry(cacheKey: string): Promise<CacheEntry | null>;
  deleteCacheEntry(cacheKey: string): Promise<void>;

  /**
   * Takes the named lease (`monitor:NAME`) for `leaseMs`, unless another holder has it and is not
   * gone (`named-leases.ts`): then says who holds it. Taking it is one transaction, so of two
   * processes asking at once exactly one gets it.
   */
  acquireLease(name: string): Promise<LeaseResult>;
  /** Pushes the lease's expiry `leaseMs` ahead; false when it is no longer this token's (expired and taken). */
  renewLease(name: string, token: string): Promise<boolean>;
  /** Frees the lease if this token still holds it. */
  releaseLease(name: string, token: string): Promise<void>;

  close(): Promise<void>;
}
