/**
 * The metadata store suite runs against every backend: SQLite always, PostgreSQL when the
 * `postgresql` package is installed (a throwaway cluster per test file; a fresh database per test).
 * Locally a missing PostgreSQL skips its half with one line saying what to install; under CI=true
 * it fails instead.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { postgresAvailable, startPostgres, type PostgresServer } from "../../../../test/support/postgres-server.js";
import type { MetadataStore, MetadataStoreOptions } from "../../../src/store/metadata-store.js";
import { openMetadataStore } from "../../../src/store/open-stores.js";
import { resolveStoreConfig } from "../../../src/store/store-config.js";

export interface Backend {
  name: "sqlite" | "postgres";
  /** The URL of a fresh, empty database. */
  fresh(): Promise<string>;
  open(url: string, options?: MetadataStoreOptions): Promise<MetadataStore>;
}

/** Opens the metadata store a database URL names (what the CLI's --database does). */
export function openDatabaseUrl(url: string, options: MetadataStoreOptions = {}): Promise<MetadataStore> {
  const { database } = resolveStoreConfig({ flags: { database: url }, env: {}, cwd: process.cwd(), projectRoot: process.cwd() });
  return openMetadataStore(database, options);
}

export function describeBackends(title: string, body: (backend: Backend) => void): void {
  describe(`${title} [sqlite]`, () => {
    const dirs: string[] = [];
    afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
    body({
      name: "sqlite",
      fresh: async () => {
        const dir = mkdtempSync(join(tmpdir(), "mlops-meta-"));
        dirs.push(dir);
        return `sqlite:${join(dir, ".mlops", "metadata.db")}`;
      },
      open: openDatabaseUrl,
    });
  });
  describe.skipIf(!postgresAvailable())(`${title} [postgres]`, () => {
    let server: PostgresServer | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server?.stop());
    body({ name: "postgres", fresh: () => server!.createDatabase(), open: openDatabaseUrl });
  });
}
