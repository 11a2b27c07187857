/** The `--artifact-store` and `--database` flags every command that touches the stores takes. */
import type { CliIO } from "@mlops/compiler/cli-core";
import { openStores, type Stores } from "../store/open-stores.js";
import { StoreConfigError } from "../store/store-config.js";

export const STORE_OPTIONS = {
  "artifact-store": { type: "string" },
  database: { type: "string" },
} as const;

export const STORE_USAGE = `  --artifact-store URL  file://DIR or s3://BUCKET/PREFIX (default: $MLOPS_ARTIFACT_STORE, else .mlops/artifacts)
  --database URL        sqlite:PATH or postgresql://USER@HOST/DB (default: $MLOPS_DATABASE_URL, else .mlops/metadata.db)`;

/** Opens the stores for a command, or prints why not and returns undefined. */
export async function openCommandStores(
  values: { "artifact-store"?: string | undefined; database?: string | undefined },
  io: CliIO,
  projectRoot: string,
  options: { existing?: boolean } = {},
): Promise<Stores | undefined> {
  try {
    return await openStores({
      flags: { artifactStore: values["artifact-store"], database: values.database },
      env: io.env,
      cwd: io.cwd,
      projectRoot,
      ...options,
    });
  } catch (error) {
    if (!(error instanceof StoreConfigError)) throw error;
    io.stderr(`${error.message}\n`);
    return undefined;
  }
}
