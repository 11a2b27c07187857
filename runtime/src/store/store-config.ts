/**
 * Where the stores are: an artifact store URL and a database URL, from a command's flags, else the
 * environment, else the embedded defaults inside the project.
 *
 *   artifacts  --artifact-store / MLOPS_ARTIFACT_STORE   file://DIR (default PROJECT/.mlops/artifacts), s3://BUCKET/PREFIX
 *   metadata   --database / MLOPS_DATABASE_URL           sqlite:PATH (default PROJECT/.mlops/metadata.db), postgresql://...
 *
 * Relative paths are resolved against the working directory. Messages name a URL only through
 * `redactUrl`, so a password in it is never printed.
 */
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type ArtifactStoreLocation = { kind: "file"; dir: string } | { kind: "s3"; bucket: string; prefix: string };

export type DatabaseLocation =
  | { kind: "sqlite"; path: string; journal: "wal" | "delete"; isDefault: boolean }
  | { kind: "postgres"; url: string };

export interface StoreConfig {
  artifacts: ArtifactStoreLocation;
  database: DatabaseLocation;
}

export interface StoreSettings {
  /** `--artifact-store` */
  artifactStore?: string | undefined;
  /** `--database` */
  database?: string | undefined;
}

export interface StoreConfigInput {
  flags?: StoreSettings;
  env: Record<string, string | undefined>;
  projectRoot: string;
  cwd: string;
}

export const ARTIFACT_STORE_VARIABLE = "MLOPS_ARTIFACT_STORE";
export const DATABASE_VARIABLE = "MLOPS_DATABASE_URL";

/** A store URL that cannot be used; the message names the flag or variable it came from. */
export class StoreConfigError extends Error {
  override readonly name = "StoreConfigError";
}

export function resolveStoreConfig(input: StoreConfigInput): StoreConfig {
  return {
    artifacts: artifactLocation(
      input,
      pick(input.flags?.artifactStore, "--artifact-store", input.env[ARTIFACT_STORE_VARIABLE], ARTIFACT_STORE_VARIABLE),
    ),
    database: databaseLocation(input, pick(input.flags?.database, "--database", input.env[DATABASE_VARIABLE], DATABASE_VARIABLE)),
  };
}

type Picked = { value: string; from: string } | undefined;

function pick(flag: string | undefined, flagName: string, variable: string | undefined, variableName: string): Picked {
  if (flag !== undefined && flag !== "") return { value: flag, from: flagName };
  if (variable !== undefined && variable !== "") return { value: variable, from: variableName };
  return undefined;
}

function artifactLocation(input: StoreConfigInput, picked: Picked): ArtifactStoreLocation {
  if (!picked) return { kind: "file", dir: join(input.projectRoot, ".mlops", "artifacts") };
  const { value, from } = picked;
  if (value.startsWith("s3://")) {
    const rest = value.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = slash < 0 ? "" : rest.slice(slash + 1).replace(/^\/+|\/+$/g, "");
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
      throw new StoreConfigError(`${from}: ${JSON.stringify(bucket)} is not an S3 bucket name (expected s3://BUCKET/PREFIX)`);
    return { kind: "s3", bucket, prefix };
  }
  if (value.startsWith("file:")) return { kind: "file", dir: filePath(value, from, input.cwd) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    throw new StoreConfigError(`${from}: ${redactUrl(value)} is not an artifact store URL (expected file://DIR or s3://BUCKET/PREFIX)`);
  return { kind: "file", dir: resolve(input.cwd, value) };
}

function databaseLocation(input: StoreConfigInput, picked: Picked): DatabaseLocation {
  if (!picked) return { kind: "sqlite", path: join(input.projectRoot, ".mlops", "metadata.db"), journal: "wal", isDefault: true };
  const { value, from } = picked;
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: "postgres", url: value };
  if (value.startsWith("sqlite:")) {
    const [body, query = ""] = splitQuery(value.slice("sqlite:".length));
    const journal = new URLSearchParams(query).get("journal") ?? "wal";
    if (journal !== "wal" && journal !== "delete")
      throw new StoreConfigError(`${from}: journal=${journal} is not a SQLite journal mode here (wal or delete)`);
    let path = body;
    if (path.startsWith("//")) {
      const rest = path.slice(2);
      if (!rest.startsWith("/"))
        throw new StoreConfigError(`${from}: sqlite URLs name a file (sqlite:///abs/path.db or sqlite:rel/path.db)`);
      path = decodeURIComponent(rest);
    }
    if (path === "") throw new StoreConfigError(`${from}: sqlite: needs a file path (sqlite:.mlops/metadata.db)`);
    return { kind: "sqlite", path: resolve(input.cwd, path), journal, isDefault: false };
  }
  throw new StoreConfigError(`${from}: ${redactUrl(value)} is not a database URL (expected sqlite:PATH or postgresql://USER@HOST/DB)`);
}

function filePath(url: string, from: string, cwd: string): string {
  if (url.startsWith("file://")) {
    try {
      return fileURLToPath(url);
    } catch (error) {
      throw new StoreConfigError(`${from}: ${redactUrl(url)}: ${(error as Error).message}`);
    }
  }
  const path = decodeURIComponent(url.slice("file:".length));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function splitQuery(text: string): [string, string?] {
  const at = text.indexOf("?");
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/** The URL without its password (and without query parameters, which may carry credentials). */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*@)?([^?#]*)/i.exec(url);
  if (!match) return url.replace(/\?.*$/, "");
  const userInfo = match[2]?.slice(0, -1);
  const user = userInfo === undefined ? "" : userInfo.includes(":") ? `${userInfo.slice(0, userInfo.indexOf(":"))}:***@` : `${userInfo}@`;
  return `${match[1]}${user}${match[3]}`;
}

/** A short description for messages and `--json` output: never carries a password. */
export function describeStores(config: StoreConfig): { artifacts: string; database: string } {
  return {
    artifacts: config.artifacts.kind === "file" ? config.artifacts.dir : `s3://${config.artifacts.bucket}/${config.artifacts.prefix}`,
    database: config.database.kind === "sqlite" ? `sqlite:${config.database.path}` : redactUrl(config.database.url),
  };
}
