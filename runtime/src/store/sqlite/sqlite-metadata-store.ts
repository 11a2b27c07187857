import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { dirname, join } from "node:path";
import type {
  CacheEntry,
  FinishStepInput,
  LineageEdge,
  LineageNode,
  MetadataStore,
  MetadataStoreOptions,
  MetricRecord,
  RunDetails,
  RunRecord,
  RunStatus,
  StartRunInput,
  StartStepInput,
  StepRecord,
  StepStatus,
} from "../metadata-store.js";
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
  readonly registry: SqliteModelRegistry;
  readonly user: string;
  readonly location: string;
  private readonly now: () => Date;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    options: MetadataStoreOptions,
  ) {
    this.user = options.user ?? currentUser();
    this.location = path;
    this.now = options.now ?? (() => new Date());
    this.registry = new SqliteModelRegistry(db, this.user, () => this.timestamp());
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
    const startedAt = this.timestamp();
    const id = `${startedAt.replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}-${randomBytes(3).toString("hex")}`;
    this.db
      .prepare(
        "INSERT INTO runs (id, plan_hash, pipeline, env, user, host, pid, started_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')",
      )
      .run(id, run.planHash, run.pipeline ?? null, run.env ?? null, this.user, hostname(), process.pid, startedAt);
    return this.runOf(id)!;
  }

  async finishRun(runId: string, status: Exclude<RunStatus, "running">, error?: string): Promise<RunRecord> {
    const result = this.db
      .prepare("UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?")
      .run(status, this.timestamp(), error ?? null, runId);
    if (result.changes === 0) throw new Error(`no run ${runId}`);
    return this.runOf(runId)!;
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
    return { ...run, steps, metrics };
  }

  /** The one run whose id starts with `prefix`, or null (none, or more than one). */
  private runByPrefix(prefix: string): RunRecord | null {
    const rows = this.db.prepare("SELECT * FROM runs WHERE substr(id, 1, length(?)) = ? LIMIT 2").all(prefix, prefix) as RunRow[];
    return rows.length === 1 ? toRun(rows[0]!) : null;
  }

  /** Marks `running` runs whose process is gone (same host) as interrupted, with their running steps. */
  async markInterrupted(): Promise<string[]> {
    const host = hostname();
    const running = this.db.prepare("SELECT id, host, pid FROM runs WHERE status = 'running'").all() as Array<{
      id: string;
      host: string;
      pid: number;
    }>;
    const dead = running.filter((r) => r.host === host && r.pid !== process.pid && !processAlive(r.pid)).map((r) => r.id);
    const at = this.timestamp();
    const mark = this.db.transaction((ids: string[]) => {
      for (const id of ids) {
        this.db
          .prepare(
            "UPDATE runs SET status = 'interrupted', finished_at = ?, error = 'the process running it stopped before it finished' WHERE id = ? AND status = 'running'",
          )
          .run(at, id);
        this.db
          .prepare("UPDATE step_executions SET status = 'interrupted', finished_at = ? WHERE run_id = ? AND status = 'running'")
          .run(at, id);
      }
    });
    mark.immediate(dead);
    return dead;
  }

  async startStep(runId: string, stepId: string, step: StartStepInput = {}): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO step_executions (run_id, step_id, status, cache_key, started_at, inputs) VALUES (?, ?, 'running', ?, ?, ?)
         ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'running', cache_key = excluded.cache_key, started_at = excluded.started_at,
           inputs = excluded.inputs, finished_at = NULL, duration_ms = NULL, error = NULL`,
      )
      .run(runId, stepId, step.cacheKey ?? null, this.timestamp(), JSON.stringify(step.inputs ?? {}));
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
        "UPDATE step_executions SET status = ?, cache_hit = ?, finished_at = ?, duration_ms = ?, outputs = ?, error = ? WHERE run_id = ? AND step_id = ?",
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

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}
