import { hostname } from "node:os";
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
import { type LeaseResult, leaseIsFree, newLeaseToken } from "../named-leases.js";
import { currentProcess, formatIdentity } from "../process-identity.js";
import { DEFAULT_LEASE_MS, INTERRUPTED_MESSAGE, currentUser, isAbandoned, leaseUntil, newRunId, settledStatus } from "../run-leases.js";
import { StoreConfigError } from "../store-config.js";
import { withArtifactCheck } from "../verified-registry.js";
import { PgDatabase, iso } from "./pg-database.js";
import { migratePg } from "./pg-migrations.js";
import { PgModelRegistry } from "./pg-model-registry.js";

/**
 * The metadata store in PostgreSQL, for runs spread over many machines: the same records as the
 * SQLite store. Single-statement operations are atomic on their own (one round trip); operations
 * of several statements run in a transaction that locks the rows it changes (`FOR UPDATE`).
 */
export class PostgresMetadataStore implements MetadataStore {
  readonly registry: ModelRegistry;
  readonly user: string;
  readonly location: string;
  readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly owner = formatIdentity(currentProcess());

  private constructor(
    readonly db: PgDatabase,
    options: MetadataStoreOptions,
  ) {
    this.user = options.user ?? currentUser();
    this.location = db.location;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.now = options.now ?? (() => new Date());
    this.registry = withArtifactCheck(new PgModelRegistry(db, this.user, () => this.timestamp()), options.verifyVersion);
  }

  static async open(url: string, options: MetadataStoreOptions = {}): Promise<PostgresMetadataStore> {
    const db = new PgDatabase(url);
    try {
      await migratePg(db);
    } catch (error) {
      await db.close();
      throw new StoreConfigError(`cannot open the metadata database ${db.location}: ${(error as Error).message}`);
    }
    return new PostgresMetadataStore(db, options);
  }

  /** Statements sent to the server so far (for the benchmark's round-trip count). */
  get roundTrips(): number {
    return this.db.roundTrips;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  async startRun(run: StartRunInput): Promise<RunRecord> {
    const now = this.now();
    const id = run.id ?? newRunId(now);
    const result = await this.db.query<RunRow>(
      `INSERT INTO runs (id, plan_hash, pipeline, env, username, host, pid, started_at, status, owner, lease_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running', $9, $10)
       ON CONFLICT (id) DO UPDATE SET status = 'running', finished_at = NULL, error = NULL, owner = excluded.owner,
         lease_expires_at = excluded.lease_expires_at
       WHERE runs.plan_hash = excluded.plan_hash
       RETURNING *`,
      [
        id,
        run.planHash,
        run.pipeline ?? null,
        run.env ?? null,
        this.user,
        hostname(),
        process.pid,
        now.toISOString(),
        this.owner,
        leaseUntil(now, this.leaseMs),
      ],
    );
    const started = result.rows[0];
    if (!started) {
      const other = await this.getRun(id);
      throw new Error(`run ${id} belongs to another plan (${other?.planHash.slice(0, 12)}); a run id names one run of one plan`);
    }
    return toRun(started);
  }

  async heartbeat(runId: string): Promise<void> {
    await this.db.query(
      `WITH run AS (UPDATE runs SET lease_expires_at = $2 WHERE id = $1 AND status = 'running')
       UPDATE step_executions SET lease_expires_at = $2 WHERE run_id = $1 AND owner = $3 AND status = 'running'`,
      [runId, leaseUntil(this.now(), this.leaseMs), this.owner],
    );
  }

  async finishRun(runId: string, status: Exclude<RunStatus, "running">, error?: string): Promise<RunRecord> {
    const result = await this.db.query<RunRow>(
      "UPDATE runs SET status = $2, finished_at = $3, error = $4, lease_expires_at = NULL WHERE id = $1 RETURNING *",
      [runId, status, this.timestamp(), error ?? null],
    );
    if (!result.rows[0]) throw new Error(`no run ${runId}`);
    return toRun(result.rows[0]);
  }

  async settleRun(runId: string, expectedSteps: string[]): Promise<RunRecord> {
    return this.db.transaction(async (client) => {
      const locked = await client.query<RunRow>("SELECT * FROM runs WHERE id = $1 FOR UPDATE", [runId]);
      if (!locked.rows[0]) throw new Error(`no run ${runId}`);
      const now = this.timestamp();
      const steps = await client.query<{
        step_id: string;
        status: StepStatus;
        error: string | null;
        owner: string | null;
        lease_expires_at: Date | null;
      }>("SELECT step_id, status, error, owner, lease_expires_at FROM step_executions WHERE run_id = $1", [runId]);
      const outcome = settledStatus({
        expected: expectedSteps,
        steps: steps.rows.map((s) => ({
          stepId: s.step_id,
          status: s.status,
          error: s.error,
          live: s.owner !== this.owner && !isAbandoned(s.owner, iso(s.lease_expires_at), now),
        })),
      });
      const updated =
        outcome.status === "running"
          ? await client.query<RunRow>(
              `UPDATE runs SET owner = NULL${outcome.waiting ? ", lease_expires_at = NULL" : ""} WHERE id = $1 RETURNING *`,
              [runId],
            )
          : await client.query<RunRow>(
              "UPDATE runs SET status = $2, finished_at = $3, error = $4, lease_expires_at = NULL WHERE id = $1 RETURNING *",
              [runId, outcome.status, now, outcome.error],
            );
      return toRun(updated.rows[0]!);
    });
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    const result = await this.db.query<RunRow>("SELECT * FROM runs WHERE id = $1", [runId]);
    return result.rows[0] ? toRun(result.rows[0]) : null;
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    const result = await this.db.query<RunRow>("SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT $1", [options.limit ?? 50]);
    return result.rows.map(toRun);
  }

  async listSteps(options: { prefix: string; limit?: number }): Promise<StepRecord[]> {
    const result = await this.db.query<StepRow>(
      "SELECT * FROM step_executions WHERE left(step_id, $1) = $2 ORDER BY started_at DESC, seq DESC LIMIT $3",
      [options.prefix.length, options.prefix, options.limit ?? 50],
    );
    return result.rows.map(toStep);
  }

  async showRun(idOrPrefix: string): Promise<RunDetails | null> {
    const matches = await this.db.query<RunRow>(
      "SELECT * FROM runs WHERE id = $1 UNION ALL (SELECT * FROM runs WHERE left(id, length($1)) = $1 AND id <> $1 LIMIT 2)",
      [idOrPrefix],
    );
    const exact = matches.rows.find((r) => r.id === idOrPrefix);
    const row = exact ?? (matches.rows.length === 1 ? matches.rows[0] : undefined);
    if (!row) return null;
    const [steps, metrics, details] = await Promise.all([
      this.db.query<StepRow>("SELECT * FROM step_executions WHERE run_id = $1 ORDER BY started_at, seq", [row.id]),
      this.db.query<MetricRecord>(
        `SELECT step_id AS "stepId", name, value FROM metrics WHERE run_id = $1 ORDER BY step_id COLLATE "C", name COLLATE "C"`,
        [row.id],
      ),
      this.db.query<StepDetail>(
        `SELECT d.step_id AS "stepId", d.name, d.value FROM step_details d
         LEFT JOIN step_executions s ON s.run_id = d.run_id AND s.step_id = d.step_id
         WHERE d.run_id = $1 ORDER BY s.started_at, s.seq, d.step_id COLLATE "C", d.name COLLATE "C"`,
        [row.id],
      ),
    ]);
    return {
      ...toRun(row),
      steps: steps.rows.map(toStep),
      metrics: metrics.rows,
      context: (row as RunRow & { context?: RunContext | null }).context ?? null,
      details: details.rows,
    };
  }

  async recordRunContext(runId: string, context: RunContext): Promise<void> {
    const result = await this.db.query("UPDATE runs SET context = $2 WHERE id = $1", [runId, JSON.stringify(context)]);
    if (result.rowCount === 0) throw new Error(`no run ${runId}`);
  }

  async recordStepDetails(runId: string, stepId: string, details: Record<string, unknown>): Promise<void> {
    const entries = Object.entries(details);
    if (entries.length === 0) return;
    await this.db.query(
      `INSERT INTO step_details (run_id, step_id, name, value)
       SELECT $1, $2, name, value::json FROM unnest($3::text[], $4::text[]) AS d (name, value)
       ON CONFLICT (run_id, step_id, name) DO UPDATE SET value = excluded.value`,
      [runId, stepId, entries.map(([name]) => name), entries.map(([, value]) => JSON.stringify(value ?? null))],
    );
  }

  async markInterrupted(): Promise<string[]> {
    const at = this.timestamp();
    const running = await this.db.query<{
      kind: "run" | "step";
      run_id: string;
      step_id: string | null;
      owner: string | null;
      lease_expires_at: Date | null;
    }>(
      `SELECT 'run' AS kind, id AS run_id, NULL AS step_id, owner, lease_expires_at FROM runs WHERE status = 'running'
       UNION ALL
       SELECT 'step', run_id, step_id, owner, lease_expires_at FROM step_executions WHERE status = 'running'`,
    );
    const abandoned = running.rows.filter((r) => isAbandoned(r.owner, iso(r.lease_expires_at), at));
    if (abandoned.length === 0) return [];
    const runs = abandoned.filter((r) => r.kind === "run").map((r) => r.run_id);
    const steps = abandoned.filter((r) => r.kind === "step");
    return this.db.transaction(async (client) => {
      const marked = await client.query<{ id: string }>(
        `UPDATE runs SET status = 'interrupted', finished_at = $2, error = $3, lease_expires_at = NULL
         WHERE id = ANY($1) AND status = 'running' RETURNING id`,
        [runs, at, INTERRUPTED_MESSAGE],
      );
      await client.query(
        `UPDATE step_executions SET status = 'interrupted', finished_at = $3, error = COALESCE(error, $4), lease_expires_at = NULL
         WHERE status = 'running' AND (run_id = ANY($1) OR (run_id, step_id) IN (SELECT * FROM unnest($2::text[], $5::text[])))`,
        [runs, steps.map((s) => s.run_id), at, INTERRUPTED_MESSAGE, steps.map((s) => s.step_id)],
      );
      return marked.rows.map((r) => r.id).sort((a, b) => runs.indexOf(a) - runs.indexOf(b));
    });
  }

  async startStep(runId: string, stepId: string, step: StartStepInput = {}): Promise<void> {
    const now = this.now();
    await this.db.query(
      `INSERT INTO step_executions (run_id, step_id, status, cache_key, started_at, inputs, owner, lease_expires_at)
       VALUES ($1, $2, 'running', $3, $4, $5, $6, $7)
       ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'running', cache_key = excluded.cache_key, started_at = excluded.started_at,
         inputs = excluded.inputs, finished_at = NULL, duration_ms = NULL, error = NULL, owner = excluded.owner,
         lease_expires_at = excluded.lease_expires_at`,
      [
        runId,
        stepId,
        step.cacheKey ?? null,
        now.toISOString(),
        JSON.stringify(step.inputs ?? {}),
        this.owner,
        leaseUntil(now, this.leaseMs),
      ],
    );
  }

  async finishStep(runId: string, stepId: string, result: FinishStepInput): Promise<StepRecord> {
    const finished = this.now();
    const updated = await this.db.query<StepRow>(
      `UPDATE step_executions SET status = $3, cache_hit = $4, finished_at = $5,
         duration_ms = COALESCE($6, EXTRACT(EPOCH FROM ($5::timestamptz - started_at)) * 1000),
         outputs = $7, error = $8, lease_expires_at = NULL
       WHERE run_id = $1 AND step_id = $2 RETURNING *`,
      [
        runId,
        stepId,
        result.status,
        result.cacheHit === true,
        finished.toISOString(),
        result.durationMs ?? null,
        JSON.stringify(result.outputs ?? {}),
        result.error ?? null,
      ],
    );
    if (!updated.rows[0]) throw new Error(`step ${stepId} was not started in run ${runId}`);
    return toStep(updated.rows[0]);
  }

  async recordMetrics(runId: string, stepId: string, metrics: Record<string, number | null>): Promise<void> {
    const entries = Object.entries(metrics);
    if (entries.length === 0) return;
    await this.db.query(
      `INSERT INTO metrics (run_id, step_id, name, value)
       SELECT $1, $2, name, value FROM unnest($3::text[], $4::double precision[]) AS m (name, value)
       ON CONFLICT (run_id, step_id, name) DO UPDATE SET value = excluded.value`,
      [runId, stepId, entries.map(([name]) => name), entries.map(([, value]) => (value !== null && Number.isFinite(value) ? value : null))],
    );
  }

  async recordLineage(edges: ReadonlyArray<{ from: LineageNode; to: LineageNode }>, runId?: string): Promise<void> {
    if (edges.length === 0) return;
    await this.db.query(
      `INSERT INTO lineage (from_kind, from_id, to_kind, to_id, run_id, recorded_at)
       SELECT fk, fi, tk, ti, $5, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS e (fk, fi, tk, ti)
       ON CONFLICT DO NOTHING`,
      [
        edges.map((e) => e.from.kind),
        edges.map((e) => e.from.id),
        edges.map((e) => e.to.kind),
        edges.map((e) => e.to.id),
        runId ?? null,
        this.timestamp(),
      ],
    );
  }

  async lineageOf(node: LineageNode): Promise<LineageEdge[]> {
    const result = await this.db.query<{ from_kind: string; from_id: string; to_kind: string; to_id: string; run_id: string | null }>(
      `WITH RECURSIVE up (from_kind, from_id, to_kind, to_id, run_id) AS (
         SELECT from_kind, from_id, to_kind, to_id, run_id FROM lineage WHERE to_kind = $1 AND to_id = $2
         UNION
         SELECT l.from_kind, l.from_id, l.to_kind, l.to_id, l.run_id FROM lineage l JOIN up ON l.to_kind = up.from_kind AND l.to_id = up.from_id
       )
       SELECT * FROM up ORDER BY from_kind COLLATE "C", from_id COLLATE "C"`,
      [node.kind, node.id],
    );
    return result.rows.map((r) => ({ from: { kind: r.from_kind, id: r.from_id }, to: { kind: r.to_kind, id: r.to_id }, runId: r.run_id }));
  }

  async putCacheEntry(cacheKey: string, stepId: string, outputs: Record<string, string>, runId?: string): Promise<void> {
    await this.db.query(
      `INSERT INTO cache_entries (cache_key, step_id, outputs, run_id, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (cache_key) DO UPDATE SET step_id = excluded.step_id, outputs = excluded.outputs, run_id = excluded.run_id,
         created_at = excluded.created_at`,
      [cacheKey, stepId, JSON.stringify(outputs), runId ?? null, this.timestamp()],
    );
  }

  async getCacheEntry(cacheKey: string): Promise<CacheEntry | null> {
    const result = await this.db.query<CacheRow>("SELECT * FROM cache_entries WHERE cache_key = $1", [cacheKey]);
    const row = result.rows[0];
    if (!row) return null;
    return { cacheKey: row.cache_key, stepId: row.step_id, outputs: row.outputs, runId: row.run_id, createdAt: iso(row.created_at)! };
  }

  async deleteCacheEntry(cacheKey: string): Promise<void> {
    await this.db.query("DELETE FROM cache_entries WHERE cache_key = $1", [cacheKey]);
  }

  async acquireLease(name: string): Promise<LeaseResult> {
    return this.db.transaction(async (client): Promise<LeaseResult> => {
      const now = this.now();
      const token = newLeaseToken();
      const values = [name, token, this.owner, this.user, now.toISOString(), leaseUntil(now, this.leaseMs)];
      const inserted = await client.query(
        `INSERT INTO leases (name, token, owner, username, acquired_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO NOTHING`,
        values,
      );
      if (inserted.rowCount === 1) return { acquired: true, token };
      const row = (await client.query<LeaseRow>("SELECT * FROM leases WHERE name = $1 FOR UPDATE", [name])).rows[0]!;
      const held = { name, owner: row.owner, user: row.username, acquiredAt: iso(row.acquired_at)!, expiresAt: iso(row.expires_at)! };
      if (!leaseIsFree(held, now.toISOString())) return { acquired: false, holder: held };
      await client.query(
        "UPDATE leases SET token = $2, owner = $3, username = $4, acquired_at = $5, expires_at = $6 WHERE name = $1",
        values,
      );
      return { acquired: true, token };
    });
  }

  async renewLease(name: string, token: string): Promise<boolean> {
    const result = await this.db.query("UPDATE leases SET expires_at = $3 WHERE name = $1 AND token = $2", [
      name,
      token,
      leaseUntil(this.now(), this.leaseMs),
    ]);
    return result.rowCount === 1;
  }

  async releaseLease(name: string, token: string): Promise<void> {
    await this.db.query("DELETE FROM leases WHERE name = $1 AND token = $2", [name, token]);
  }
}

interface LeaseRow {
  owner: string;
  username: string;
  acquired_at: Date;
  expires_at: Date;
}

interface RunRow {
  id: string;
  plan_hash: string;
  pipeline: string | null;
  env: string | null;
  username: string;
  host: string;
  pid: number;
  started_at: Date;
  finished_at: Date | null;
  status: RunStatus;
  error: string | null;
}

interface StepRow {
  run_id: string;
  step_id: string;
  status: StepStatus;
  cache_key: string | null;
  cache_hit: boolean;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  error: string | null;
}

interface CacheRow {
  cache_key: string;
  step_id: string;
  outputs: Record<string, string>;
  run_id: string | null;
  created_at: Date;
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    planHash: row.plan_hash,
    pipeline: row.pipeline,
    env: row.env,
    user: row.username,
    host: row.host,
    pid: row.pid,
    startedAt: iso(row.started_at)!,
    finishedAt: iso(row.finished_at),
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
    cacheHit: row.cache_hit,
    startedAt: iso(row.started_at)!,
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms,
    inputs: row.inputs,
    outputs: row.outputs,
    error: row.error,
  };
}
