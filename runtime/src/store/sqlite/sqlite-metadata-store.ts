import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import type {
  CacheEntry,
  FinishStepInput,
  LineageEdge,
  LineageNode,
  MetadataStore,
  MetadataStoreOptions,
  MetricRecord,
  RunContext,
  RunDetails,
  RunRecord,
  RunStatus,
  StartRunInput,
  StartStepInput,
  StepDetail,
  StepRecord,
  StepStatus,
} from "../metadata-store.js";
import type { ModelRegistry } from "../model-registry.js";
import { type LeaseHolder, type LeaseResult, leaseIsFree, newLeaseToken } from "../named-leases.js";
import { currentProcess, formatIdentity } from "../process-identity.js";
import { DEFAULT_LEASE_MS, INTERRUPTED_MESSAGE, currentUser, isAbandoned, leaseUntil, newRunId, settledStatus } from "../run-leases.js";
import { withArtifactCheck } from "../verified-registry.js";
import { migrate } from "./sqlite-migrations.js";
import { SqliteModelRegistry } from "./sqlite-model-registry.js";

export interface SqliteOptions extends MetadataStoreOptions {
  /**
   * `wal` (default): readers never wait for the writer; needs shared memory, so one host only.
   * `delete`: SQLite's rollback journal, for a database file on a volume shared by pods of one node.
   */
  journal?: "wal" | "delete";
}

/**
 * The metadata store in one SQLite file (`<project>/.mlops/metadata.db` by default, WAL mode):
 * runs, step executions, metrics, lineage, the step cache index and the model registry. Every
 * write is a transaction; several processes of one machine may use one database.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly registry: ModelRegistry;
  readonly user: string;
  readonly location: string;
  private readonly now: () => Date;
  readonly leaseMs: number;
  private readonly owner = formatIdentity(currentProcess());

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    options: MetadataStoreOptions,
  ) {
    this.user = options.user ?? currentUser();
    this.location = path;
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.registry = withArtifactCheck(new SqliteModelRegistry(db, this.user, () => this.timestamp()), options.verifyVersion);
  }

  static async open(path: string, options: SqliteOptions = {}): Promise<SqliteMetadataStore> {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma("busy_timeout = 10000");
      db.pragma(`journal_mode = ${options.journal === "delete" ? "DELETE" : "WAL"}`);
      db.pragma("foreign_keys = ON");
      db.pragma("synchronous = NORMAL");
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteMetadataStore(db, path, options);
  }

  static forProject(projectDir: string, options: SqliteOptions = {}): Promise<SqliteMetadataStore> {
    return SqliteMetadataStore.open(join(projectDir, ".mlops", "metadata.db"), options);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  async startRun(run: StartRunInput): Promise<RunRecord> {
    const now = this.now();
    const id = run.id ?? newRunId(now);
    const lease = leaseUntil(now, this.leaseMs);
    const start = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runs (id, plan_hash, pipeline, env, user, host, pid, started_at, status, owner, lease_expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)
           ON CONFLICT (id) DO UPDATE SET status = 'running', finished_at = NULL, error = NULL, owner = excluded.owner,
             lease_expires_at = excluded.lease_expires_at
           WHERE runs.plan_hash = excluded.plan_hash`,
        )
        .run(
          id,
          run.planHash,
          run.pipeline ?? null,
          run.env ?? null,
          this.user,
          hostname(),
          process.pid,
          now.toISOString(),
          this.owner,
          lease,
        );
      const joined = this.runOf(id)!;
      if (joined.planHash !== run.planHash)
        throw new Error(`run ${id} belongs to another plan (${joined.planHash.slice(0, 12)}); a run id names one run of one plan`);
      return joined;
    });
    return start.immediate();
  }

  async heartbeat(runId: string): Promise<void> {
    const lease = leaseUntil(this.now(), this.leaseMs);
    this.db.transaction(() => {
      this.db.prepare("UPDATE runs SET lease_expires_at = ? WHERE id = ? AND status = 'running'").run(lease, runId);
      this.db
        .prepare("UPDATE step_executions SET lease_expires_at = ? WHERE run_id = ? AND owner = ? AND status = 'running'")
        .run(lease, runId, this.owner);
    })();
  }

  async finishRun(runId: string, status: Exclude<RunStatus, "running">, error?: string): Promise<RunRecord> {
    const result = this.db
      .prepare("UPDATE runs SET status = ?, finished_at = ?, error = ?, lease_expires_at = NULL WHERE id = ?")
      .run(status, this.timestamp(), error ?? null, runId);
    if (result.changes === 0) throw new Error(`no run ${runId}`);
    return this.runOf(runId)!;
  }

  async settleRun(runId: string, expectedSteps: string[]): Promise<RunRecord> {
    const settle = this.db.transaction(() => {
      const now = this.timestamp();
      const steps = this.db
        .prepare("SELECT step_id, status, error, owner, lease_expires_at FROM step_executions WHERE run_id = ?")
        .all(runId) as Array<{
        step_id: string;
        status: StepStatus;
        error: string | null;
        owner: string | null;
        lease_expires_at: string | null;
      }>;
      const outcome = settledStatus({
        expected: expectedSteps,
        steps: steps.map((s) => ({
          stepId: s.step_id,
          status: s.status,
          error: s.error,
          live: s.owner !== this.owner && !isAbandoned(s.owner, s.lease_expires_at, now),
        })),
      });
      if (outcome.status === "running") {
        // another process works on it (and renews the lease), or it waits for the orchestrator (no lease)
        const lease = outcome.waiting ? ", lease_expires_at = NULL" : "";
        this.db.prepare(`UPDATE runs SET owner = NULL${lease} WHERE id = ? AND status = 'running'`).run(runId);
      } else {
        this.db
          .prepare("UPDATE runs SET status = ?, finished_at = ?, error = ?, lease_expires_at = NULL WHERE id = ?")
          .run(outcome.status, now, outcome.error, runId);
      }
      return this.runOf(runId)!;
    });
    return settle.immediate();
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    return this.runOf(runId);
  }

  private runOf(runId: string): RunRecord | null {
    const row = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  /** Newest first. */
  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    const rows = this.db.prepare("SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?").all(options.limit ?? 50) as RunRow[];
    return rows.map(toRun);
  }

  async listSteps(options: { prefix: string; limit?: number }): Promise<StepRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM step_executions WHERE substr(step_id, 1, ?) = ? ORDER BY started_at DESC, rowid DESC LIMIT ?")
      .all(options.prefix.length, options.prefix, options.limit ?? 50) as StepRow[];
    return rows.map(toStep);
  }

  async showRun(idOrPrefix: string): Promise<RunDetails | null> {
    const run = this.runOf(idOrPrefix) ?? this.runByPrefix(idOrPrefix);
    if (!run) return null;
    const runId = run.id;
    const steps = (
      this.db.prepare("SELECT * FROM step_executions WHERE run_id = ? ORDER BY started_at, rowid").all(runId) as StepRow[]
    ).map(toStep);
    const metrics = this.db
      .prepare("SELECT step_id AS stepId, name, value FROM metrics WHERE run_id = ? ORDER BY step_id, name")
      .all(runId) as MetricRecord[];
    const context = this.db.prepare("SELECT context FROM runs WHERE id = ?").get(runId) as { context: string | null };
    const details = (
      this.db
        .prepare(
          `SELECT d.step_id, d.name, d.value FROM step_details d
           LEFT JOIN step_executions s ON s.run_id = d.run_id AND s.step_id = d.step_id
           WHERE d.run_id = ? ORDER BY s.started_at, s.rowid, d.step_id, d.name`,
        )
        .all(runId) as Array<{ step_id: string; name: string; value: string }>
    ).map((d): StepDetail => ({ stepId: d.step_id, name: d.name, value: JSON.parse(d.value) as unknown }));
    return { ...run, steps, metrics, context: context.context ? (JSON.parse(context.context) as RunContext) : null, details };
  }

  async recordRunContext(runId: string, context: RunContext): Promise<void> {
    const result = this.db.prepare("UPDATE runs SET context = ? WHERE id = ?").run(JSON.stringify(context), runId);
    if (result.changes === 0) throw new Error(`no run ${runId}`);
  }

  async recordStepDetails(runId: string, stepId: string, details: Record<string, unknown>): Promise<void> {
    const insert = this.db.prepare("INSERT OR REPLACE INTO step_details (run_id, step_id, name, value) VALUES (?, ?, ?, ?)");
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(details)) insert.run(runId, stepId, name, JSON.stringify(value ?? null));
    })();
  }

  /** The one run whose id starts with `prefix`, or null (none, or more than one). */
  private runByPrefix(prefix: string): RunRecord | null {
    const rows = this.db.prepare("SELECT * FROM runs WHERE substr(id, 1, length(?)) = ? LIMIT 2").all(prefix, prefix) as RunRow[];
    return rows.length === 1 ? toRun(rows[0]!) : null;
  }

  async markInterrupted(): Promise<string[]> {
    const mark = this.db.transaction(() => {
      const at = this.timestamp();
      const runs = this.db.prepare("SELECT id, owner, lease_expires_at FROM runs WHERE status = 'running'").all() as LeaseRow[];
      const dead = runs.filter((r) => isAbandoned(r.owner, r.lease_expires_at, at)).map((r) => r.id);
      for (const id of dead) {
        this.db
          .prepare(
            "UPDATE runs SET status = 'interrupted', finished_at = ?, error = ?, lease_expires_at = NULL WHERE id = ? AND status = 'running'",
          )
          .run(at, INTERRUPTED_MESSAGE, id);
        this.db
          .prepare(
            "UPDATE step_executions SET status = 'interrupted', finished_at = ?, lease_expires_at = NULL WHERE run_id = ? AND status = 'running'",
          )
          .run(at, id);
      }
      const steps = this.db
        .prepare("SELECT run_id, step_id, owner, lease_expires_at FROM step_executions WHERE status = 'running'")
        .all() as Array<LeaseRow & { run_id: string; step_id: string }>;
      for (const step of steps.filter((s) => isAbandoned(s.owner, s.lease_expires_at, at)))
        this.db
          .prepare(
            "UPDATE step_executions SET status = 'interrupted', finished_at = ?, error = ?, lease_expires_at = NULL WHERE run_id = ? AND step_id = ?",
          )
          .run(at, INTERRUPTED_MESSAGE, step.run_id, step.step_id);
      return dead;
    });
    return mark.immediate();
  }

  async startStep(runId: string, stepId: string, step: StartStepInput = {}): Promise<void> {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO step_executions (run_id, step_id, status, cache_key, started_at, inputs, owner, lease_expires_at) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'running', cache_key = excluded.cache_key, started_at = excluded.started_at,
           inputs = excluded.inputs, finished_at = NULL, duration_ms = NULL, error = NULL, owner = excluded.owner,
           lease_expires_at = excluded.lease_expires_at`,
      )
      .run(
        runId,
        stepId,
        step.cacheKey ?? null,
        now.toISOString(),
        JSON.stringify(step.inputs ?? {}),
        this.owner,
        leaseUntil(now, this.leaseMs),
      );
  }

  async finishStep(runId: string, stepId: string, result: FinishStepInput): Promise<StepRecord> {
    const row = this.db.prepare("SELECT started_at FROM step_executions WHERE run_id = ? AND step_id = ?").get(runId, stepId) as
      | { started_at: string }
      | undefined;
    if (!row) throw new Error(`step ${stepId} was not started in run ${runId}`);
    const finished = this.now();
    const duration = result.durationMs ?? finished.getTime() - Date.parse(row.started_at);
    this.db
      .prepare(
        "UPDATE step_executions SET status = ?, cache_hit = ?, finished_at = ?, duration_ms = ?, outputs = ?, error = ?, lease_expires_at = NULL WHERE run_id = ? AND step_id = ?",
      )
      .run(
        result.status,
        result.cacheHit ? 1 : 0,
        finished.toISOString(),
        duration,
        JSON.stringify(result.outputs ?? {}),
        result.error ?? null,
        runId,
        stepId,
      );
    return toStep(this.db.prepare("SELECT * FROM step_executions WHERE run_id = ? AND step_id = ?").get(runId, stepId) as StepRow);
  }

  async recordMetrics(runId: string, stepId: string, metrics: Record<string, number | null>): Promise<void> {
    const insert = this.db.prepare("INSERT OR REPLACE INTO metrics (run_id, step_id, name, value) VALUES (?, ?, ?, ?)");
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(metrics))
        insert.run(runId, stepId, name, value !== null && Number.isFinite(value) ? value : null);
    })();
  }

  async recordLineage(edges: ReadonlyArray<{ from: LineageNode; to: LineageNode }>, runId?: string): Promise<void> {
    const insert = this.db.prepare(
      "INSERT OR IGNORE INTO lineage (from_kind, from_id, to_kind, to_id, run_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const at = this.timestamp();
    this.db.transaction(() => {
      for (const e of edges) insert.run(e.from.kind, e.from.id, e.to.kind, e.to.id, runId ?? null, at);
    })();
  }

  /** Every edge upstream of `node` (what it was made from, transitively). */
  async lineageOf(node: LineageNode): Promise<LineageEdge[]> {
    const select = this.db.prepare("SELECT * FROM lineage WHERE to_kind = ? AND to_id = ? ORDER BY from_kind, from_id");
    const edges: LineageEdge[] = [];
    const seen = new Set<string>();
    const queue = [node];
    while (queue.length > 0) {
      const current = queue.shift()!;
      const key = `${current.kind}:${current.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const row of select.all(current.kind, current.id) as LineageRow[]) {
        const from = { kind: row.from_kind, id: row.from_id };
        edges.push({ from, to: current, runId: row.run_id });
        queue.push(from);
      }
    }
    return edges;
  }

  /** Records that the step with `cacheKey` produced `outputs` (all at once: an entry is complete or absent). */
  async putCacheEntry(cacheKey: string, stepId: string, outputs: Record<string, string>, runId?: string): Promise<void> {
    this.db
      .prepare("INSERT OR REPLACE INTO cache_entries (cache_key, step_id, outputs, run_id, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(cacheKey, stepId, JSON.stringify(outputs), runId ?? null, this.timestamp());
  }

  async getCacheEntry(cacheKey: string): Promise<CacheEntry | null> {
    const row = this.db.prepare("SELECT * FROM cache_entries WHERE cache_key = ?").get(cacheKey) as CacheRow | undefined;
    if (!row) return null;
    return {
      cacheKey: row.cache_key,
      stepId: row.step_id,
      outputs: JSON.parse(row.outputs) as Record<string, string>,
      runId: row.run_id,
      createdAt: row.created_at,
    };
  }

  async deleteCacheEntry(cacheKey: string): Promise<void> {
    this.db.prepare("DELETE FROM cache_entries WHERE cache_key = ?").run(cacheKey);
  }

  async acquireLease(name: string): Promise<LeaseResult> {
    const take = this.db.transaction((): LeaseResult => {
      const now = this.now();
      const row = this.db.prepare("SELECT * FROM leases WHERE name = ?").get(name) as LeaseRowOfName | undefined;
      const held = row ? toLeaseHolder(row) : null;
      if (held && !leaseIsFree(held, now.toISOString())) return { acquired: false, holder: held };
      const token = newLeaseToken();
      this.db
        .prepare(
          `INSERT INTO leases (name, token, owner, user, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET token = excluded.token, owner = excluded.owner, user = excluded.user,
             acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
        )
        .run(name, token, this.owner, this.user, now.toISOString(), leaseUntil(now, this.leaseMs));
      return { acquired: true, token };
    });
    return take.immediate();
  }

  async renewLease(name: string, token: string): Promise<boolean> {
    const result = this.db
      .prepare("UPDATE leases SET expires_at = ? WHERE name = ? AND token = ?")
      .run(leaseUntil(this.now(), this.leaseMs), name, token);
    return result.changes === 1;
  }

  async releaseLease(name: string, token: string): Promise<void> {
    this.db.prepare("DELETE FROM leases WHERE name = ? AND token = ?").run(name, token);
  }
}

interface LeaseRowOfName {
  name: string;
  owner: string;
  user: string;
  acquired_at: string;
  expires_at: string;
}

function toLeaseHolder(row: LeaseRowOfName): LeaseHolder {
  return { name: row.name, owner: row.owner, user: row.user, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

interface LeaseRow {
  id: string;
  owner: string | null;
  lease_expires_at: string | null;
}

interface RunRow {
  id: string;
  plan_hash: string;
  pipeline: string | null;
  env: string | null;
  user: string;
  host: string;
  pid: number;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  error: string | null;
}

interface StepRow {
  run_id: string;
  step_id: string;
  status: StepStatus;
  cache_key: string | null;
  cache_hit: number;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  inputs: string;
  outputs: string;
  error: string | null;
}

interface LineageRow {
  from_kind: string;
  from_id: string;
  run_id: string | null;
}

interface CacheRow {
  cache_key: string;
  step_id: string;
  outputs: string;
  run_id: string | null;
  created_at: string;
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    planHash: row.plan_hash,
    pipeline: row.pipeline,
    env: row.env,
    user: row.user,
    host: row.host,
    pid: row.pid,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    error: row.error,
  };
}

function toStep(row: StepRow): StepRecord {
  return {
    runId: row.run_id,
    stepId: row.step_id,
    status: row.status,
    cacheKey: row.cache_key,
    cacheHit: row.cache_hit === 1,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    inputs: JSON.parse(row.inputs) as Record<string, string>,
    outputs: JSON.parse(row.outputs) as Record<string, string>,
    error: row.error,
  };
}
