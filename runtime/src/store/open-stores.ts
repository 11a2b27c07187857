/** Opens the artifact store and the metadata store (with its registry) a command works with. */
import { existsSync } from "node:fs";
import type { ArtifactStore } from "./artifact-store.js";
import { FileArtifactStore } from "./file/file-artifact-store.js";
import type { MetadataStore, MetadataStoreOptions } from "./metadata-store.js";
import { SqliteMetadataStore } from "./sqlite/sqlite-metadata-store.js";
import { StoreConfigError, resolveStoreConfig, type StoreConfig, type StoreConfigInput } from "./store-config.js";

export interface Stores {
  artifacts: ArtifactStore;
  /** Runs, steps, cache index; its `registry` is the model registry. */
  metadata: MetadataStore;
  config: StoreConfig;
  close(): Promise<void>;
}

export interface OpenStoresInput extends StoreConfigInput, MetadataStoreOptions {
  /** Refuse to create a new embedded database (read commands: `models`, `runs`). */
  existing?: boolean;
}

/**
 * The one way commands open stores: URLs from flags, else `MLOPS_ARTIFACT_STORE` /
 * `MLOPS_DATABASE_URL`, else `.mlops/` in the project. Opening the artifact store removes the temp
 * files of killed writers. Throws `StoreConfigError` for an unusable URL.
 */
export async function openStores(input: OpenStoresInput): Promise<Stores> {
  const config = resolveStoreConfig(input);
  const metadata = await openMetadata(config, input);
  try {
    const artifacts = await openArtifacts(config);
    return {
      artifacts,
      metadata,
      config,
      close: async () => {
        await Promise.all([artifacts.close(), metadata.close()]);
      },
    };
  } catch (error) {
    await metadata.close();
    throw error;
  }
}

async function openArtifacts(config: StoreConfig): Promise<ArtifactStore> {
  const location = config.artifacts;
  if (location.kind === "file") return FileArtifactStore.open(location.dir);
  throw new StoreConfigError(`s3:// artifact stores are not available in this build yet`);
}

async function openMetadata(config: StoreConfig, input: OpenStoresInput): Promise<MetadataStore> {
  const options: MetadataStoreOptions = { ...(input.user ? { user: input.user } : {}), ...(input.now ? { now: input.now } : {}) };
  const location = config.database;
  if (location.kind === "sqlite") {
    if (input.existing && !existsSync(location.path)) {
      throw new StoreConfigError(
        location.isDefault
          ? `no .mlops/metadata.db in ${input.projectRoot} (run \`mlops run\` there first, or pass --project DIR)`
          : `no database file ${location.path}`,
      );
    }
    return SqliteMetadataStore.open(location.path, { ...options, journal: location.journal });
  }
  throw new StoreConfigError(`postgresql:// databases are not available in this build yet`);
}
