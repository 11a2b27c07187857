import { describe, expect, it } from "vitest";
import { StoreConfigError, describeStores, redactUrl, resolveStoreConfig } from "../../src/store/store-config.js";

const base = { projectRoot: "/p", cwd: "/work", env: {} };

function configError(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (error instanceof StoreConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a StoreConfigError");
}

describe("store configuration", () => {
  it("defaults to .mlops/ in the project", () => {
    expect(resolveStoreConfig(base)).toEqual({
      artifacts: { kind: "file", dir: "/p/.mlops/artifacts" },
      database: { kind: "sqlite", path: "/p/.mlops/metadata.db", journal: "wal", isDefault: true },
    });
  });

  it("takes flags over environment variables", () => {
    const env = { MLOPS_ARTIFACT_STORE: "s3://env-bucket/a", MLOPS_DATABASE_URL: "postgresql://u:pw@db:5432/mlops" };
    expect(resolveStoreConfig({ ...base, env })).toEqual({
      artifacts: { kind: "s3", bucket: "env-bucket", prefix: "a" },
      database: { kind: "postgres", url: "postgresql://u:pw@db:5432/mlops" },
    });
    const flags = { artifactStore: "file:///shared/artifacts", database: "sqlite:state/m.db?journal=delete" };
    expect(resolveStoreConfig({ ...base, env, flags })).toEqual({
      artifacts: { kind: "file", dir: "/shared/artifacts" },
      database: { kind: "sqlite", path: "/work/state/m.db", journal: "delete", isDefault: false },
    });
  });

  it("reads the URL forms users write", () => {
    const at = (artifactStore: string) => resolveStoreConfig({ ...base, flags: { artifactStore } }).artifacts;
    expect(at("s3://models/team/a/")).toEqual({ kind: "s3", bucket: "models", prefix: "team/a" });
    expect(at("s3://models")).toEqual({ kind: "s3", bucket: "models", prefix: "" });
    expect(at("file:rel/dir")).toEqual({ kind: "file", dir: "/work/rel/dir" });
    expect(at("./plain")).toEqual({ kind: "file", dir: "/work/plain" });
    const db = (database: string) => resolveStoreConfig({ ...base, flags: { database } }).database;
    expect(db("sqlite:///abs/m.db")).toMatchObject({ kind: "sqlite", path: "/abs/m.db" });
    expect(db("postgres://h/db")).toEqual({ kind: "postgres", url: "postgres://h/db" });
  });

  it("rejects unusable URLs naming where they came from, never printing a password", () => {
    expect(configError(() => resolveStoreConfig({ ...base, flags: { artifactStore: "s3://Bad_Bucket/x" } }))).toBe(
      '--artifact-store: "Bad_Bucket" is not an S3 bucket name (expected s3://BUCKET/PREFIX)',
    );
    const message = configError(() => resolveStoreConfig({ ...base, env: { MLOPS_DATABASE_URL: "mysql://root:hunter2@db/x" } }));
    expect(message).toBe(
      "MLOPS_DATABASE_URL: mysql://root:***@db/x is not a database URL (expected sqlite:PATH or postgresql://USER@HOST/DB)",
    );
    expect(configError(() => resolveStoreConfig({ ...base, flags: { database: "sqlite:m.db?journal=memory" } }))).toContain(
      "journal=memory",
    );
    expect(configError(() => resolveStoreConfig({ ...base, flags: { artifactStore: "ftp://h/x" } }))).toContain(
      "is not an artifact store URL",
    );
  });

  it("describes stores without credentials", () => {
    expect(redactUrl("postgresql://app:s3cr%40t@db.internal:5432/mlops?sslpassword=x")).toBe("postgresql://app:***@db.internal:5432/mlops");
    expect(redactUrl("postgresql://app@db/mlops")).toBe("postgresql://app@db/mlops");
    const described = describeStores(
      resolveStoreConfig({
        ...base,
        env: { MLOPS_DATABASE_URL: "postgresql://app:topsecret@db/mlops", MLOPS_ARTIFACT_STORE: "s3://bkt/p" },
      }),
    );
    expect(described).toEqual({ artifacts: "s3://bkt/p", database: "postgresql://app:***@db/mlops" });
  });
});
