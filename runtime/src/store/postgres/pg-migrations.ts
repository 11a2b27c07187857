/**
 * PostgreSQL schema migrations, applied in order, each once (recorded in `schema_migrations`),
 * under an advisory lock so that processes opening a new database at the same time apply them
 * once. Never edit a released one: append. The schema mirrors the SQLite one (`sqlite/`), in
 * PostgreSQL's types: `timestamptz`, `json` (key order kept, as the SQLite text is), identities.
 */
import type { PgDatabase } from "./pg-database.js";

export const PG_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        plan_hash TEXT NOT NULL,
        pipeline TEXT,
        env TEXT,
        username TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        owner TEXT,
        lease_expires_at TIMESTAMPTZ,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
        error TEXT
      );
      CREATE INDEX runs_started ON runs (started_at);
      CREATE INDEX runs_running ON runs (status) WHERE status = 'running';
      CREATE TABLE step_executions (
        seq INTEGER GENERATED ALWAYS AS IDENTITY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        step_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cached', 'skipped', 'interrupted')),
        cache_key TEXT,
        cache_hit BOOLEAN NOT NULL DEFAULT FALSE,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        duration_ms DOUBLE PRECISION,
        inputs JSON NOT NULL DEFAULT '{}',
        outputs JSON NOT NULL DEFAULT '{}',
        error TEXT,
        owner TEXT,
        lease_expires_at TIMESTAMPTZ,
        PRIMARY KEY (run_id, step_id)
      );
      CREATE INDEX steps_running ON step_executions (status) WHERE status = 'running';
      CREATE TABLE metrics (
        run_id TEXT NOT NULL REFERENCES runs (id),
        step_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value DOUBLE PRECISION,
        PRIMARY KEY (run_id, step_id, name)
      );
      CREATE TABLE lineage (
        from_kind TEXT NOT NULL,
        from_id TEXT NOT NULL,
        to_kind TEXT NOT NULL,
        to_id TEXT NOT NULL,
        run_id TEXT,
        recorded_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (from_kind, from_id, to_kind, to_id)
      );
      CREATE INDEX lineage_to ON lineage (to_kind, to_id);
      CREATE TABLE cache_entries (
        cache_key TEXT PRIMARY KEY,
        step_id TEXT NOT NULL,
        outputs JSON NOT NULL,
        run_id TEXT,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE models (
        name TEXT PRIMARY KEY,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE model_versions (
        model TEXT NOT NULL REFERENCES models (name),
        version INTEGER NOT NULL,
        artifact_hash TEXT NOT NULL,
        features_hash TEXT,
        run_id TEXT,
        plan_hash TEXT,
        metrics JSON NOT NULL DEFAULT '{}',
        lineage JSON NOT NULL DEFAULT '{}',
        created_at TIMESTAMPTZ NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (model, version)
      );
      CREATE INDEX model_versions_artifact ON model_versions (model, artifact_hash);
      CREATE TABLE aliases (
        model TEXT NOT NULL,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (model, alias),
        FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
      );
      CREATE TABLE alias_history (
        seq INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        model TEXT NOT NULL,
        alias TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('promote', 'rollback')),
        version INTEGER NOT NULL,
        previous_version INTEGER,
        at TIMESTAMPTZ NOT NULL,
        actor TEXT,
        reason TEXT
      );
      CREATE INDEX alias_history_alias ON alias_history (model, alias, seq);
      CREATE TABLE audit (
        seq INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at TIMESTAMPTZ NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        model TEXT,
        version INTEGER,
        alias TEXT,
        reason TEXT,
        details JSON NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_model ON audit (model, seq);
    `,
  },
  {
    // what reproduces a run and structured step records (as SQLite's migration 3)
    version: 2,
    sql: `
      ALTER TABLE runs ADD COLUMN context JSON;
      CREATE TABLE step_details (
        run_id TEXT NOT NULL REFERENCES runs (id),
        step_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value JSON NOT NULL,
        PRIMARY KEY (run_id, step_id, name)
      );
    `,
  },
  {
    // named leases: one check of a monitor at a time across machines (as SQLite's migration 4)
    version: 3,
    sql: `
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        owner TEXT NOT NULL,
        username TEXT NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
];

/** Any constant: the advisory lock that serialises migrations of one database. */
const MIGRATION_LOCK = 0x6d6c6f7073;

/** Brings the database to the latest schema. One round trip when it is already there. */
export async function migratePg(db: PgDatabase): Promise<number> {
  const latest = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
  const current = await db
    .query<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations")
    .then((r) => r.rows[0]?.v ?? 0)
    .catch((error: { code?: string }) => {
      if (error.code === "42P01") return 0; // no such table yet
      throw error;
    });
  if (current > latest)
    throw new Error(`the metadata database has schema version ${current}, newer than this mlops (${latest}); upgrade mlops`);
  if (current === latest) return latest;
  return db.transaction(async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)");
    const row = await client.query<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations");
    const applied = row.rows[0]?.v ?? 0;
    for (const m of PG_MIGRATIONS) {
      if (m.version <= applied) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())", [m.version]);
    }
    return latest;
  });
}
