import type Database from "better-sqlite3";

/** Schema migrations, applied in order; each runs once, recorded in `schema_migrations`. Never edit a released one: append. */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        plan_hash TEXT NOT NULL,
        pipeline TEXT,
        env TEXT,
        user TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
        error TEXT
      );
      CREATE INDEX runs_started ON runs (started_at);
      CREATE TABLE step_executions (
        run_id TEXT NOT NULL REFERENCES runs (id),
        step_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cached', 'skipped', 'interrupted')),
        cache_key TEXT,
        cache_hit INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        duration_ms REAL,
        inputs TEXT NOT NULL DEFAULT '{}',
        outputs TEXT NOT NULL DEFAULT '{}',
        error TEXT,
        PRIMARY KEY (run_id, step_id)
      );
      CREATE TABLE metrics (
        run_id TEXT NOT NULL REFERENCES runs (id),
        step_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value REAL,
        PRIMARY KEY (run_id, step_id, name)
      );
      CREATE TABLE lineage (
        from_kind TEXT NOT NULL,
        from_id TEXT NOT NULL,
        to_kind TEXT NOT NULL,
        to_id TEXT NOT NULL,
        run_id TEXT,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (from_kind, from_id, to_kind, to_id)
      );
      CREATE INDEX lineage_to ON lineage (to_kind, to_id);
      CREATE TABLE cache_entries (
        cache_key TEXT PRIMARY KEY,
        step_id TEXT NOT NULL,
        outputs TEXT NOT NULL,
        run_id TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE models (
        name TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
      );
      CREATE TABLE model_versions (
        model TEXT NOT NULL REFERENCES models (name),
        version INTEGER NOT NULL,
        artifact_hash TEXT NOT NULL,
        features_hash TEXT,
        run_id TEXT,
        plan_hash TEXT,
        metrics TEXT NOT NULL DEFAULT '{}',
        lineage TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (model, version)
      );
      CREATE TABLE aliases (
        model TEXT NOT NULL,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (model, alias),
        FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
      );
      CREATE TABLE alias_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        model TEXT NOT NULL,
        alias TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('promote', 'rollback')),
        version INTEGER NOT NULL,
        previous_version INTEGER,
        at TEXT NOT NULL
      );
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        model TEXT,
        version INTEGER,
        alias TEXT,
        reason TEXT,
        details TEXT NOT NULL DEFAULT '{}'
      );
    `,
  },
  {
    // leases (interrupted runs are found by an expired lease or a dead local owner, not by hostname);
    // who rolled an alias back and why (a rolled-back version stays out of automatic promotion)
    version: 2,
    sql: `
      ALTER TABLE runs ADD COLUMN owner TEXT;
      ALTER TABLE runs ADD COLUMN lease_expires_at TEXT;
      ALTER TABLE step_executions ADD COLUMN owner TEXT;
      ALTER TABLE step_executions ADD COLUMN lease_expires_at TEXT;
      UPDATE runs SET lease_expires_at = started_at WHERE status = 'running';
      UPDATE step_executions SET lease_expires_at = started_at WHERE status = 'running';
      ALTER TABLE alias_history ADD COLUMN actor TEXT;
      ALTER TABLE alias_history ADD COLUMN reason TEXT;
      CREATE INDEX runs_status ON runs (status);
    `,
  },
  {
    // what reproduces a run (params, data and plan hashes, git, tool) and structured step records
    // (hyperparameters, curves, search candidates) for reports, comparisons and the UI
    version: 3,
    sql: `
      ALTER TABLE runs ADD COLUMN context TEXT;
      CREATE TABLE step_details (
        run_id TEXT NOT NULL REFERENCES runs (id),
        step_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, step_id, name)
      );
    `,
  },
  {
    // named leases: one check of a monitor at a time across processes (see named-leases.ts)
    version: 4,
    sql: `
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        owner TEXT NOT NULL,
        user TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
  {
    // every command start looks for unfinished steps (markInterrupted): only those, not every step
    // of every run ever recorded (PostgreSQL has had the same partial index from its start)
    version: 5,
    sql: `
      CREATE INDEX step_executions_running ON step_executions (run_id) WHERE status = 'running';
    `,
  },
];

/** Brings the database to the latest schema inside one write transaction (safe when several processes open it at once). */
export function migrate(db: Database.Database): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  const apply = db.transaction(() => {
    const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
    const current = row.v ?? 0;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if (current > latest)
      throw new Error(`the metadata database has schema version ${current}, newer than this mlops (${latest}); upgrade mlops`);
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(m.version, new Date().toISOString());
    }
    return latest;
  });
  return apply.immediate();
}
