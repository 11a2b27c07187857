/**
 * The model registry: numbered versions of each model, aliases (`production`, `staging`, ...) that
 * point at a version, and the audit trail of every registration, promotion and rollback (and of
 * every action a monitor took: `recordAudit`). One async
 * interface, implemented in the SQLite and PostgreSQL metadata stores.
 *
 * The read path a model server needs is three calls: `getAlias(model, "production")` (or
 * `getVersion`) gives a `ModelVersion`, whose `artifactHash` (ONNX model) and `featuresHash` (fitted
 * features, JSON) are read from the artifact store with `get`/`getJson`.
 */
export interface ModelVersion {
  model: string;
  version: number;
  /** The ONNX model artifact. */
  artifactHash: string;
  /** The fitted-features artifact stored beside the model. */
  featuresHash: string | null;
  runId: string | null;
  planHash: string | null;
  metrics: Record<string, number | null>;
  /** What the version was made from (plan hash, data hashes, ...). */
  lineage: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  /** Aliases currently pointing at this version. */
  aliases: string[];
}

export interface ModelSummary {
  name: string;
  createdAt: string;
  versions: number;
  latestVersion: number | null;
  aliases: Record<string, number>;
}

export interface AliasChange {
  model: string;
  alias: string;
  /** The version the alias points at now. */
  version: number;
  previousVersion: number | null;
  /** Set when `promote` with `respectRollbacks` left the alias alone: the version was rolled back from it. */
  heldBack?: RolledBack;
}

/** A version taken off an alias by a rollback and not promoted to it again since. */
export interface RolledBack {
  version: number;
  at: string;
  by: string;
  reason: string | null;
}

export interface PromoteOptions {
  reason?: string;
  /**
   * Automatic promotions (a pipeline's deploy step) pass true: a version rolled back from the alias
   * is not put back — it stays out until a new version passes the gate or someone promotes it by
   * hand (`mlops models promote`).
   */
  respectRollbacks?: boolean;
}

/** `monitor`: an action a monitor's policy took (an alert, a retrain, a rollback), with its outcome. */
export type AuditAction = "register" | "promote" | "rollback" | "unalias" | "monitor";

/** An audit entry recorded by something that acts on a model outside the registry (a monitor's policy). */
export interface AuditRecordInput {
  action: "monitor";
  model: string;
  /** The version the action concerned (the production version the monitor watched). */
  version: number | null;
  reason: string;
  details: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  at: string;
  user: string;
  action: AuditAction;
  model: string | null;
  version: number | null;
  alias: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

export interface ModelDetails extends ModelSummary {
  versionList: ModelVersion[];
  audit: AuditEntry[];
}

export interface RegisterVersionInput {
  model: string;
  artifactHash: string;
  featuresHash?: string | null;
  runId?: string | null;
  planHash?: string | null;
  metrics?: Record<string, number | null>;
  lineage?: Record<string, unknown>;
  reason?: string;
}

export type RegistryErrorCode = "unknown-model" | "unknown-version" | "no-alias" | "no-previous" | "bad-artifact" | "conflict";

export class RegistryError extends Error {
  override readonly name = "RegistryError";
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Each operation is one transaction: concurrent processes get distinct, gap-free version numbers
 * and consistent aliases. An alias keeps a stack of holders: `promote` pushes, `rollback` pops back
 * to the previous holder. Every alias move is recorded in the audit trail in the same transaction.
 */
export interface ModelRegistry {
  /**
   * Adds a version (numbered 1, 2, ... per model). Registering the same model + artifact + features
   * again returns the existing version with `created: false` (a resumed run does not duplicate it).
   */
  registerVersion(input: RegisterVersionInput): Promise<ModelVersion & { created: boolean }>;
  /**
   * Points `alias` at `version`; the previous holder is remembered for `rollback`. The version's
   * artifacts are checked first (`bad-artifact` when missing or corrupt).
   */
  promote(model: string, version: number, alias: string, options?: PromoteOptions): Promise<AliasChange>;
  /**
   * Moves `alias` back to the version that held it before the current holder (whose artifacts are
   * checked first). `expectedTarget`: fail with `conflict` if another process moved it meanwhile.
   */
  rollback(model: string, alias: string, options?: { reason?: string; expectedTarget?: number }): Promise<AliasChange>;
  /**
   * Removes `alias` (a dropped or promoted canary) and its holder history, so a later `rollback`
   * of that alias cannot return to a version it held before; audited as `unalias`. Returns the
   * version it held (`no-alias` when it is not set).
   */
  removeAlias(model: string, alias: string, options?: { reason?: string }): Promise<AliasChange>;
  /** The version `rollback` would move `alias` to (throws `no-alias` / `no-previous` as it would). */
  rollbackTarget(model: string, alias: string): Promise<number>;
  /** The version an alias points at (e.g. the `production` champion), or null. */
  getAlias(model: string, alias: string): Promise<ModelVersion | null>;
  getVersion(model: string, version: number): Promise<ModelVersion | null>;
  listModels(): Promise<ModelSummary[]>;
  showModel(name: string): Promise<ModelDetails>;
  /** Appends an entry to the audit trail (what a monitor's policy did, and why). */
  recordAudit(entry: AuditRecordInput): Promise<void>;
  /** Oldest first. */
  listAudit(options?: { model?: string; limit?: number }): Promise<AuditEntry[]>;
}
