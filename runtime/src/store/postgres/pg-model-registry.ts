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
import { iso, type PgDatabase, type Queryable } from "./pg-database.js";

/**
 * The registry in PostgreSQL. Every change locks the model's row (`SELECT … FOR UPDATE`) first, so
 * concurrent writers — many `run-step` processes, two whole runs — take turns per model: version
 * numbers are distinct and gap-free, and an alias move and its audit entries commit together.
 */
export class PgModelRegistry implements ModelRegistry {
  constructor(
    private readonly db: PgDatabase,
    private readonly user: string,
    private readonly timestamp: () => string,
  ) {}

  async registerVersion(input: RegisterVersionInput): Promise<ModelVersion & { created: boolean }> {
    const { version, created } = await this.db.transaction(async (client) => {
      const at = this.timestamp();
      await client.query("INSERT INTO models (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [input.model, at]);
      await client.query("SELECT 1 FROM models WHERE name = $1 FOR UPDATE", [input.model]);
      const existing = await client.query<{ version: number }>(
        "SELECT version FROM model_versions WHERE model = $1 AND artifact_hash = $2 AND features_hash IS NOT DISTINCT FROM $3",
        [input.model, input.artifactHash, input.featuresHash ?? null],
      );
      if (existing.rows[0]) return { version: existing.rows[0].version, created: false };
      const inserted = await client.query<{ version: number }>(
        `INSERT INTO model_versions (model, version, artifact_hash, features_hash, run_id, plan_hash, metrics, lineage, created_at, created_by)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 FROM model_versions WHERE model = $1
         RETURNING version`,
        [
          input.model,
          input.artifactHash,
          input.featuresHash ?? null,
          input.runId ?? null,
          input.planHash ?? null,
          JSON.stringify(input.metrics ?? {}),
          JSON.stringify(input.lineage ?? {}),
          at,
          this.user,
        ],
      );
      const next = inserted.rows[0]!.version;
      await this.audit(client, "register", input.model, next, null, input.reason ?? null, {
        artifactHash: input.artifactHash,
        runId: input.runId ?? null,
      });
      return { version: next, created: true };
    });
    return { ...(await this.getVersion(input.model, version))!, created };
  }

  async promote(model: string, version: number, alias: string, options: PromoteOptions = {}): Promise<AliasChange> {
    return this.db.transaction(async (client) => {
      await this.lockModel(client, model);
      const exists = await client.query("SELECT 1 FROM model_versions WHERE model = $1 AND version = $2", [model, version]);
      if (exists.rowCount === 0) throw unknownVersion(model, version);
      const previous = await this.aliasVersion(client, model, alias);
      if (previous !== version) {
        const heldBack = options.respectRollbacks ? await this.rolledBack(client, model, alias, version) : null;
        if (heldBack) return { model, alias, version: previous ?? version, previousVersion: previous, heldBack };
        await this.moveAlias(client, "promote", model, alias, version, previous, options.reason);
      }
      await this.audit(client, "promote", model, version, alias, options.reason ?? null, { previousVersion: previous });
      return { model, alias, version, previousVersion: previous };
    });
  }

  async rollback(model: string, alias: string, options: { reason?: string; expectedTarget?: number } = {}): Promise<AliasChange> {
    return this.db.transaction(async (client) => {
      await this.lockModel(client, model);
      const { current, target } = await this.previousHolder(client, model, alias);
      if (options.expectedTarget !== undefined && target !== options.expectedTarget) throw rollbackConflict(model, alias);
      await this.moveAlias(client, "rollback", model, alias, target, current, options.reason);
      await this.audit(client, "rollback", model, target, alias, options.reason ?? null, { previousVersion: current });
      return { model, alias, version: target, previousVersion: current };
    });
  }

  async rollbackTarget(model: string, alias: string): Promise<number> {
    await this.requireModel(this.db, model);
    return (await this.previousHolder(this.db, model, alias)).target;
  }

  async removeAlias(model: string, alias: string, options: { reason?: string } = {}): Promise<AliasChange> {
    return this.db.transaction(async (client) => {
      await this.lockModel(client, model);
      const current = await this.aliasVersion(client, model, alias);
      if (current === null) throw noAlias(model, alias);
      await client.query("DELETE FROM aliases WHERE model = $1 AND alias = $2", [model, alias]);
      await client.query("DELETE FROM alias_history WHERE model = $1 AND alias = $2", [model, alias]);
      await this.audit(client, "unalias", model, current, alias, options.reason ?? null, {});
      return { model, alias, version: current, previousVersion: current };
    });
  }

  async getAlias(model: string, alias: string): Promise<ModelVersion | null> {
    const result = await this.db.query<VersionRow>(
      `SELECT v.*, ${ALIASES_OF_VERSION} FROM aliases a JOIN model_versions v ON v.model = a.model AND v.version = a.version
       WHERE a.model = $1 AND a.alias = $2`,
      [model, alias],
    );
    return result.rows[0] ? toVersion(result.rows[0]) : null;
  }

  async getVersion(model: string, version: number): Promise<ModelVersion | null> {
    const result = await this.db.query<VersionRow>(
      `SELECT v.*, ${ALIASES_OF_VERSION} FROM model_versions v WHERE model = $1 AND version = $2`,
      [model, version],
    );
    return result.rows[0] ? toVersion(result.rows[0]) : null;
  }

  async listModels(): Promise<ModelSummary[]> {
    const result = await this.db.query<SummaryRow>(`${SUMMARY} ORDER BY m.name COLLATE "C"`);
    return result.rows.map(toSummary);
  }

  async showModel(name: string): Promise<ModelDetails> {
    const [summary, versions, audit] = await Promise.all([
      this.db.query<SummaryRow>(`${SUMMARY} WHERE m.name = $1`, [name]),
      this.db.query<VersionRow>(`SELECT v.*, ${ALIASES_OF_VERSION} FROM model_versions v WHERE model = $1 ORDER BY version`, [name]),
      this.listAudit({ model: name }),
    ]);
    if (!summary.rows[0]) throw unknownModel(name);
    return { ...toSummary(summary.rows[0]), versionList: versions.rows.map(toVersion), audit };
  }

  async recordAudit(entry: AuditRecordInput): Promise<void> {
    await this.audit(this.db, entry.action, entry.model, entry.version, null, entry.reason, entry.details);
  }

  async listAudit(options: { model?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const result = await this.db.query<AuditRow>(`SELECT * FROM audit WHERE ($1::text IS NULL OR model = $1) ORDER BY seq LIMIT $2`, [
      options.model ?? null,
      options.limit ?? null,
    ]);
    return result.rows.map((r) => ({
      seq: r.seq,
      at: iso(r.at)!,
      user: r.username,
      action: r.action as AuditAction,
      model: r.model,
      version: r.version,
      alias: r.alias,
      reason: r.reason,
      details: r.details,
    }));
  }

  private async lockModel(client: Queryable, model: string): Promise<void> {
    const locked = await client.query("SELECT 1 FROM models WHERE name = $1 FOR UPDATE", [model]);
    if (locked.rowCount === 0) throw unknownModel(model);
  }

  private async requireModel(client: Queryable, model: string): Promise<void> {
    const found = await client.query("SELECT 1 FROM models WHERE name = $1", [model]);
    if (found.rowCount === 0) throw unknownModel(model);
  }

  private async previousHolder(client: Queryable, model: string, alias: string): Promise<{ current: number; target: number }> {
    const events = await client.query<{ action: string; version: number }>(
      "SELECT action, version FROM alias_history WHERE model = $1 AND alias = $2 ORDER BY seq",
      [model, alias],
    );
    return rollbackTarget(model, alias, await this.aliasVersion(client, model, alias), events.rows);
  }

  /** The latest rollback that took `version` off `alias`, unless `version` was promoted to it again since. */
  private async rolledBack(client: Queryable, model: string, alias: string, version: number): Promise<RolledBack | null> {
    const result = await client.query<{ at: Date; actor: string | null; reason: string | null }>(
      `SELECT at, actor, reason FROM alias_history
       WHERE model = $1 AND alias = $2 AND action = 'rollback' AND previous_version = $3
         AND seq > COALESCE((SELECT MAX(seq) FROM alias_history WHERE model = $1 AND alias = $2 AND action = 'promote' AND version = $3), 0)
       ORDER BY seq DESC LIMIT 1`,
      [model, alias, version],
    );
    const row = result.rows[0];
    return row ? { version, at: iso(row.at)!, by: row.actor ?? "unknown", reason: row.reason } : null;
  }

  private async aliasVersion(client: Queryable, model: string, alias: string): Promise<number | null> {
    const result = await client.query<{ version: number }>("SELECT version FROM aliases WHERE model = $1 AND alias = $2", [model, alias]);
    return result.rows[0]?.version ?? null;
  }

  private async moveAlias(
    client: Queryable,
    action: "promote" | "rollback",
    model: string,
    alias: string,
    version: number,
    previous: number | null,
    reason: string | undefined,
  ): Promise<void> {
    const at = this.timestamp();
    await client.query(
      `WITH moved AS (
         INSERT INTO aliases (model, alias, version, updated_at) VALUES ($1, $2, $3, $5)
         ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
       )
       INSERT INTO alias_history (model, alias, action, version, previous_version, at, actor, reason) VALUES ($1, $2, $4, $3, $6, $5, $7, $8)`,
      [model, alias, version, action, at, previous, this.user, reason ?? null],
    );
  }

  private async audit(
    client: Queryable,
    action: AuditAction,
    model: string,
    version: number | null,
    alias: string | null,
    reason: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    await client.query(
      "INSERT INTO audit (at, username, action, model, version, alias, reason, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      [this.timestamp(), this.user, action, model, version, alias, reason, JSON.stringify(details)],
    );
  }
}

const ALIASES_OF_VERSION = `COALESCE((SELECT json_agg(alias ORDER BY alias COLLATE "C") FROM aliases WHERE model = v.model AND version = v.version), '[]') AS alias_names`;

const SUMMARY = `SELECT m.name, m.created_at,
    (SELECT COUNT(*)::int FROM model_versions WHERE model = m.name) AS versions,
    (SELECT MAX(version) FROM model_versions WHERE model = m.name) AS latest,
    COALESCE((SELECT json_object_agg(alias, version ORDER BY alias COLLATE "C") FROM aliases WHERE model = m.name), '{}') AS alias_map
  FROM models m`;

interface VersionRow {
  model: string;
  version: number;
  artifact_hash: string;
  features_hash: string | null;
  run_id: string | null;
  plan_hash: string | null;
  metrics: Record<string, number | null>;
  lineage: Record<string, unknown>;
  created_at: Date;
  created_by: string;
  alias_names: string[];
}

interface SummaryRow {
  name: string;
  created_at: Date;
  versions: number;
  latest: number | null;
  alias_map: Record<string, number>;
}

interface AuditRow {
  seq: number;
  at: Date;
  username: string;
  action: string;
  model: string | null;
  version: number | null;
  alias: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

function toVersion(row: VersionRow): ModelVersion {
  return {
    model: row.model,
    version: row.version,
    artifactHash: row.artifact_hash,
    featuresHash: row.features_hash,
    runId: row.run_id,
    planHash: row.plan_hash,
    metrics: row.metrics,
    lineage: row.lineage,
    createdAt: iso(row.created_at)!,
    createdBy: row.created_by,
    aliases: row.alias_names,
  };
}

function toSummary(row: SummaryRow): ModelSummary {
  return { name: row.name, createdAt: iso(row.created_at)!, versions: row.versions, latestVersion: row.latest, aliases: row.alias_map };
}
