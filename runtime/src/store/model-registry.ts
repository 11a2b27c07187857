/**
 * The model registry: numbered versions of each model, aliases (`production`, `staging`, ...) that
 * point at a version, and the audit trail of every registration, promotion and rollback. One async
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
  version: number;
  previousVersion: number | null;
}

export type AuditAction = "register" | "promote" | "rollback";

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

export type RegistryErrorCode = "unknown-model" | "unknown-version" | "no-alias" | "no-previous";

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
  /** Points `alias` at `version`; the previous holder is remembered for `rollback`. */
  promote(model: string, version: number, alias: string, options?: { reason?: string }): Promise<AliasChange>;
  /** Moves `alias` back to the version that held it before the current holder. */
  rollback(model: string, alias: string, options?: { reason?: string }): Promise<AliasChange>;
  /** The version an alias points at (e.g. the `production` champion), or null. */
  getAlias(model: string, alias: string): Promise<ModelVersion | null>;
  getVersion(model: string, version: number): Promise<ModelVersion | null>;
  listModels(): Promise<ModelSummary[]>;
  showModel(name: string): Promise<ModelDetails>;
  /** Oldest first. */
  listAudit(options?: { model?: string; limit?: number }): Promise<AuditEntry[]>;
}
