import type Database from "better-sqlite3";
import { noAlias, rollbackConflict, rollbackTarget, unknownModel, unknownVersion } from "../alias-history.js";
import type {
  AliasChange,
  AuditAction,
  AuditEntry,
  AuditRecordInput,
  ModelDetails,
  ModelRegistry,
  ModelSummary,
  ModelVersion,
  PromoteOptions,
  RegisterVersionInput,
  RolledBack,
} from "../model-registry.js";

/**
 * The registry in SQLite. Each operation is one IMMEDIATE transaction (the database's write lock is
 * taken at its start), so concurrent processes get distinct version numbers and consistent aliases.
 */
export class SqliteModelRegistry implements ModelRegistry {
  constructor(
    private readonly db: Database.Database,
    private readonly user: string,
    private readonly timestamp: () => string,
  ) {}

  /**
   * Adds a version (numbered 1, 2, ... per model). Registering the same model + artifact + features
   * again returns the existing version with `created: false` (a resumed run does not duplicate it).
   */
  async registerVersion(input: RegisterVersionInput): Promise<ModelVersion & { created: boolean }> {
    const run = this.db.transaction((): { version: number; created: boolean } => {
      const existing = this.db
        .prepare("SELECT version FROM model_versions WHERE model = ? AND artifact_hash = ? AND features_hash IS ?")
        .get(input.model, input.artifactHash, input.featuresHash ?? null) as { version: number } | undefined;
      if (existing) return { version: existing.version, created: false };
      const at = this.timestamp();
      this.db.prepare("INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)").run(input.model, at);
      const { next } = this.db
        .prepare("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE model = ?")
        .get(input.model) as { next: number };
      this.db
        .prepare(
          `INSERT INTO model_versions (model, version, artifact_hash, features_hash, run_id, plan_hash, metrics, lineage, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.model,
          next,
          input.artifactHash,
          input.featuresHash ?? null,
          input.runId ?? null,
          input.planHash ?? null,
          JSON.stringify(input.metrics ?? {}),
          JSON.stringify(input.lineage ?? {}),
          at,
          this.user,
        );
      this.audit("register", input.model, next, null, input.reason ?? null, {
        artifactHash: input.artifactHash,
        runId: input.runId ?? null,
      });
      return { version: next, created: true };
    });
    const { version, created } = run.immediate();
    return { ...this.versionOf(input.model, version)!, created };
  }

  /** Points `alias` at `version`; the previous holder is remembered for `rollback`. */
  async promote(model: string, version: number, alias: string, options: PromoteOptions = {}): Promise<AliasChange> {
    const run = this.db.transaction((): AliasChange => {
      this.requireVersion(model, version);
      const previous = this.aliasVersion(model, alias);
      if (previous !== version) {
        const heldBack = options.respectRollbacks ? this.rolledBack(model, alias, version) : null;
        if (heldBack) return { model, alias, version: previous ?? version, previousVersion: previous, heldBack };
        this.setAlias(model, alias, version);
        this.history("promote", model, alias, version, previous, options.reason);
      }
      this.audit("promote", model, version, alias, options.reason ?? null, { previousVersion: previous });
      return { model, alias, version, previousVersion: previous };
    });
    return run.immediate();
  }

  /** Moves `alias` back to the version that held it before the current holder. */
  async rollback(model: string, alias: string, options: { reason?: string; expectedTarget?: number } = {}): Promise<AliasChange> {
    const run = this.db.transaction((): AliasChange => {
      const { current, target } = this.previousHolder(model, alias);
      if (options.expectedTarget !== undefined && target !== options.expectedTarget) throw rollbackConflict(model, alias);
      this.setAlias(model, alias, target);
      this.history("rollback", model, alias, target, current, options.reason);
      this.audit("rollback", model, target, alias, options.reason ?? null, { previousVersion: current });
      return { model, alias, version: target, previousVersion: current };
    });
    return run.immediate();
  }

  async rollbackTarget(model: string, alias: string): Promise<number> {
    return this.previousHolder(model, alias).target;
  }

  async removeAlias(model: string, alias: string, options: { reason?: string } = {}): Promise<AliasChange> {
    const run = this.db.transaction((): AliasChange => {
      this.requireModel(model);
      const current = this.aliasVersion(model, alias);
      if (current === null) throw noAlias(model, alias);
      this.db.prepare("DELETE FROM aliases WHERE model = ? AND alias = ?").run(model, alias);
      this.db.prepare("DELETE FROM alias_history WHERE model = ? AND alias = ?").run(model, alias);
      this.audit("unalias", model, current, alias, options.reason ?? null, {});
      return { model, alias, version: current, previousVersion: current };
    });
    return run.immediate();
  }

  private previousHolder(model: string, alias: string): { current: number; target: number } {
    this.requireModel(model);
    const events = this.db
      .prepare("SELECT action, version FROM alias_history WHERE model = ? AND alias = ? ORDER BY seq")
      .all(model, alias) as Array<{ action: string; version: number }>;
    return rollbackTarget(model, alias, this.aliasVersion(model, alias), events);
  }

  /** The latest rollback that took `version` off `alias`, unless `version` was promoted to it again since. */
  private rolledBack(model: string, alias: string, version: number): RolledBack | null {
    const row = this.db
      .prepare(
        `SELECT at, actor, reason FROM alias_history
         WHERE model = ? AND alias = ? AND action = 'rollback' AND previous_version = ?
           AND seq > COALESCE((SELECT MAX(seq) FROM alias_history WHERE model = ? AND alias = ? AND action = 'promote' AND version = ?), 0)
         ORDER BY seq DESC LIMIT 1`,
      )
      .get(model, alias, version, model, alias, version) as { at: string; actor: string | null; reason: string | null } | undefined;
    return row ? { version, at: row.at, by: row.actor ?? "unknown", reason: row.reason } : null;
  }

  private history(
    action: "promote" | "rollback",
    model: string,
    alias: string,
    version: number,
    previous: number | null,
    reason: string | undefined,
  ): void {
    this.db
      .prepare(
        "INSERT INTO alias_history (model, alias, action, version, previous_version, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(model, alias, action, version, previous, this.timestamp(), this.user, reason ?? null);
  }

  async getAlias(model: string, alias: string): Promise<ModelVersion | null> {
    const version = this.aliasVersion(model, alias);
    return version === null ? null : this.versionOf(model, version);
  }

  async getVersion(model: string, version: number): Promise<ModelVersion | null> {
    return this.versionOf(model, version);
  }

  private versionOf(model: string, version: number): ModelVersion | null {
    const row = this.db.prepare("SELECT * FROM model_versions WHERE model = ? AND version = ?").get(model, version) as
      | VersionRow
      | undefined;
    return row ? this.toVersion(row) : null;
  }

  async listModels(): Promise<ModelSummary[]> {
    const rows = this.db.prepare("SELECT name FROM models ORDER BY name").all() as Array<{ name: string }>;
    return rows.map((r) => this.summary(r.name));
  }

  async showModel(name: string): Promise<ModelDetails> {
    this.requireModel(name);
    const versions = (this.db.prepare("SELECT * FROM model_versions WHERE model = ? ORDER BY version").all(name) as VersionRow[]).map((r) =>
      this.toVersion(r),
    );
    return { ...this.summary(name), versionList: versions, audit: await this.listAudit({ model: name }) };
  }

  async recordAudit(entry: AuditRecordInput): Promise<void> {
    this.audit(entry.action, entry.model, entry.version, null, entry.reason, entry.details);
  }

  async listAudit(options: { model?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const rows = (
      options.model === undefined
        ? this.db.prepare("SELECT * FROM audit ORDER BY seq LIMIT ?").all(options.limit ?? -1)
        : this.db.prepare("SELECT * FROM audit WHERE model = ? ORDER BY seq LIMIT ?").all(options.model, options.limit ?? -1)
    ) as AuditRow[];
    return rows.map((r) => ({ ...r, action: r.action as AuditAction, details: JSON.parse(r.details) as Record<string, unknown> }));
  }

  private summary(name: string): ModelSummary {
    const model = this.db.prepare("SELECT created_at FROM models WHERE name = ?").get(name) as { created_at: string };
    const stats = this.db.prepare("SELECT COUNT(*) AS n, MAX(version) AS latest FROM model_versions WHERE model = ?").get(name) as {
      n: number;
      latest: number | null;
    };
    const aliases = this.db.prepare("SELECT alias, version FROM aliases WHERE model = ? ORDER BY alias").all(name) as Array<{
      alias: string;
      version: number;
    }>;
    return {
      name,
      createdAt: model.created_at,
      versions: stats.n,
      latestVersion: stats.latest,
      aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])),
    };
  }

  private aliasVersion(model: string, alias: string): number | null {
    const row = this.db.prepare("SELECT version FROM aliases WHERE model = ? AND alias = ?").get(model, alias) as
      | { version: number }
      | undefined;
    return row?.version ?? null;
  }

  private setAlias(model: string, alias: string, version: number): void {
    this.db
      .prepare(
        "INSERT INTO aliases (model, alias, version, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
      )
      .run(model, alias, version, this.timestamp());
  }

  private requireModel(model: string): void {
    if (!this.db.prepare("SELECT 1 FROM models WHERE name = ?").get(model)) throw unknownModel(model);
  }

  private requireVersion(model: string, version: number): void {
    this.requireModel(model);
    if (!this.db.prepare("SELECT 1 FROM model_versions WHERE model = ? AND version = ?").get(model, version))
      throw unknownVersion(model, version);
  }

  private audit(
    action: AuditAction,
    model: string,
    version: number | null,
    alias: string | null,
    reason: string | null,
    details: Record<string, unknown>,
  ): void {
    this.db
      .prepare("INSERT INTO audit (at, user, action, model, version, alias, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(this.timestamp(), this.user, action, model, version, alias, reason, JSON.stringify(details));
  }

  private toVersion(row: VersionRow): ModelVersion {
    const aliases = this.db
      .prepare("SELECT alias FROM aliases WHERE model = ? AND version = ? ORDER BY alias")
      .all(row.model, row.version) as Array<{ alias: string }>;
    return {
      model: row.model,
      version: row.version,
      artifactHash: row.artifact_hash,
      featuresHash: row.features_hash,
      runId: row.run_id,
      planHash: row.plan_hash,
      metrics: JSON.parse(row.metrics) as Record<string, number | null>,
      lineage: JSON.parse(row.lineage) as Record<string, unknown>,
      createdAt: row.created_at,
      createdBy: row.created_by,
      aliases: aliases.map((a) => a.alias),
    };
  }
}

interface VersionRow {
  model: string;
  version: number;
  artifact_hash: string;
  features_hash: string | null;
  run_id: string | null;
  plan_hash: string | null;
  metrics: string;
  lineage: string;
  created_at: string;
  created_by: string;
}

interface AuditRow {
  seq: number;
  at: string;
  user: string;
  action: string;
  model: string | null;
  version: number | null;
  alias: string | null;
  reason: string | null;
  details: string;
}
