/** Opens the artifact store and the metadata store (with its registry) a command works with. */
import { existsSync } from "node:fs";
import type { ArtifactStore } from "./artifact-store.js";
import { FileArtifactStore } from "./file/file-artifact-store.js";
import type { MetadataStore, MetadataStoreOptions } from "./metadata-store.js";
import type { ModelVersion } from "./model-registry.js";
import { SqliteMetadataStore } from "./sqlite/sqlite-metadata-store.js";
import {
  StoreConfigError,
  resolveStoreConfig,
  type ArtifactStoreLocation,
  type DatabaseLocation,
  type StoreConfig,
  type StoreConfigInput,
} from "./store-config.js";

export interface Stores {
  artifacts: ArtifactStore;
  /** Runs, steps, cache index; its `registry` is the model registry. */
  metadata: MetadataStore;
  config: StoreConfig;
  close(): Promise<void>;
}

export interface OpenStoresInput extends StoreConfigInput, Omit<MetadataStoreOptions, "verifyVersion"> {
  /** Refuse to create a new embedded database (read commands: `models`, `runs`). */
  existing?: boolean;
}

export const LEASE_VARIABLE = "MLOPS_RUN_LEASE_SECONDS";

/**
 * The one way commands open stores: URLs from flags, else `MLOPS_ARTIFACT_STORE` /
 * `MLOPS_DATABASE_URL`, else `.mlops/` in the project. Opening the artifact store removes what
 * killed writers left. The registry checks a version's artifacts in this artifact store before
 * an alias moves to it. Throws `StoreConfigError` for an unusable URL.
 */
export async function openStores(input: OpenStoresInput): Promise<Stores> {
  const config = resolveStoreConfig(input);
  const artifacts = await openArtifactStore(config.artifacts, input.env);
  try {
    const metadata = await openMetadataStore(config.database, {
      ...(input.user ? { user: input.user } : {}),
      ...(input.now ? { now: input.now } : {}),
      leaseMs: input.leaseMs ?? leaseFromEnv(input.env),
      verifyVersion: (version) => verifyVersionArtifacts(artifacts, version),
      ...(input.existing ? { existing: true, projectRoot: input.projectRoot } : {}),
    });
    return {
      artifacts,
      metadata,
      config,
      close: async () => {
        await Promise.all([artifacts.close(), metadata.close()]);
      },
    };
  } catch (error) {
    await artifacts.close();
    throw error;
  }
}

/** `env` supplies the AWS settings of an `s3://` store (`s3/s3-client-config.ts`). */
export async function openArtifactStore(
  location: ArtifactStoreLocation,
  env: Record<string, string | undefined> = {},
): Promise<ArtifactStore> {
  if (location.kind === "file") return FileArtifactStore.open(location.dir);
  // loaded only when used: the AWS SDK is large, and embedded-store commands start faster without it
  const { S3ArtifactStore } = await import("./s3/s3-artifact-store.js");
  const { s3SettingsFromEnv } = await import("./s3/s3-client-config.js");
  try {
    return await S3ArtifactStore.open(location.bucket, location.prefix, s3SettingsFromEnv(env));
  } catch (error) {
    throw new StoreConfigError(`cannot open the artifact store s3://${location.bucket}/${location.prefix}: ${(error as Error).message}`);
  }
}

export async function openMetadataStore(
  location: DatabaseLocation,
  options: MetadataStoreOptions & { existing?: boolean; projectRoot?: string } = {},
): Promise<MetadataStore> {
  const { existing, projectRoot, ...storeOptions } = options;
  if (location.kind === "sqlite") {
    if (existing && !existsSync(location.path)) {
      throw new StoreConfigError(
        location.isDefault
          ? `no .mlops/metadata.db in ${projectRoot ?? "the project"} (run \`mlops run\` there first, or pass --project DIR)`
          : `no database file ${location.path}`,
      );
    }
    return SqliteMetadataStore.open(location.path, { ...storeOptions, journal: location.journal });
  }
  const { PostgresMetadataStore } = await import("./postgres/pg-metadata-store.js");
  return PostgresMetadataStore.open(location.url, storeOptions);
}

/** A version's model and features artifacts are present and hash-correct (throws `ArtifactError` otherwise). */
async function verifyVersionArtifacts(artifacts: ArtifactStore, version: ModelVersion): Promise<void> {
  await artifacts.verify(version.artifactHash);
  if (version.featuresHash) await artifacts.verify(version.featuresHash);
}

function leaseFromEnv(env: Record<string, string | undefined>): number | undefined {
  const text = env[LEASE_VARIABLE];
  if (text === undefined || text === "") return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new StoreConfigError(`${LEASE_VARIABLE}: expected a positive number of seconds, got ${text}`);
  return seconds * 1000;
}
