/**
 * A source whose rows are the result of a PostgreSQL query (`format = postgres`). The declared
 * schema is the contract: before any row is taken, the result's columns and their types are
 * checked against it and every mismatch is named. Rows are streamed through a server-side cursor
 * (bounded memory), typed by the schema like any file's rows. The data hash for the cache is the
 * sha256 of the result (column names, then each row's values), so an unchanged result is a cache hit.
 */
import { createHash, type Hash } from "node:crypto";
import pg from "pg";
import Cursor from "pg-cursor";
import type { ColumnSpec, SourceSpec } from "../plan.js";
import { DataError } from "./errors.js";
import type { ProgressListener } from "./progress.js";
import type { RowSink } from "./row-sink.js";
import { resolveSecret, SecretError } from "./secrets.js";

type Env = Record<string, string | undefined>;
const BATCH = 2000;

/** What PostgreSQL result types each declared column type accepts (by type OID; user-defined enums are text-like). */
const ACCEPTS: Record<string, ReadonlySet<number>> = {
  bool: new Set([16]),
  int: new Set([20, 21, 23, 1700]),
  float: new Set([20, 21, 23, 700, 701, 1700]),
  string: new Set([25, 1043, 1042, 19, 18, 2950]),
  enum: new Set([25, 1043, 1042, 19, 18]),
  date: new Set([1082]),
  timestamp: new Set([1114, 1184]),
};
const TYPE_NAMES: Record<number, string> = {
  16: "boolean",
  18: "char",
  19: "name",
  20: "bigint",
  21: "smallint",
  23: "integer",
  25: "text",
  700: "real",
  701: "double precision",
  1042: "character",
  1043: "character varying",
  1082: "date",
  1114: "timestamp",
  1184: "timestamptz",
  1700: "numeric",
  2950: "uuid",
};
const FIRST_USER_OID = 16384;

/** Values as the row sink wants them: exact big integers, dates and timestamps as ISO text (UTC when no zone). */
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    switch (oid) {
      case 20:
        return (text: string) => BigInt(text);
      case 1700:
      case 700:
      case 701:
        return (text: string) => Number(text);
      case 1082:
      case 1114:
        return (text: string) => text;
      case 1184:
        return (text: string) => text.replace(/([+-]\d{2})$/, "$1:00");
      default:
        return pg.types.getTypeParser(oid, format as "text");
    }
  },
} as pg.CustomTypesConfig;

export function connectionUrl(source: SourceSpec, env: Env): string {
  const url = source.connection?.url;
  if (!url) throw new DataError("file-not-found", `source ${source.name}: a postgres source needs connection = { url = ... }`, source.name);
  if (url.kind === "literal") return url.value;
  try {
    return resolveSecret(url, env);
  } catch (error) {
    if (error instanceof SecretError) throw new DataError("file-not-found", `source ${source.name}: ${error.message}`, source.name);
    throw error;
  }
}

/** Streams the query's rows into `sink` (when given) and returns the result's data hash. */
export async function readPostgresSource(
  source: SourceSpec,
  env: Env,
  options: { sink?: RowSink; onProgress?: ProgressListener } = {},
): Promise<string> {
  const where = `source ${source.name} (PostgreSQL query)`;
  const client = new pg.Client({ connectionString: connectionUrl(source, env), types: TYPES, application_name: "mlops" });
  try {
    await client.connect();
  } catch (error) {
    throw new DataError("file-not-found", `${where}: cannot connect: ${(error as Error).message}`, source.name);
  }
  const hasher = createHash("sha256");
  try {
    await client.query("BEGIN READ ONLY");
    const cursor = client.query(new Cursor(source.query ?? "", undefined, { rowMode: "array", types: TYPES }));
    let positions: number[] | undefined;
    let rows = 0;
    for (;;) {
      const { rows: batch, fields } = await read(cursor, where);
      positions ??= checkContract(fields, source.columns, where, hasher);
      if (batch.length === 0) break;
      for (const row of batch) {
        rows++;
        const values = positions.map((p) => row[p]);
        hasher.update(`${JSON.stringify(values, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
        options.sink?.addValues(values, rows);
      }
      options.onProgress?.({ rows });
    }
    await new Promise<void>((resolve) => cursor.close(() => resolve()));
    await client.query("COMMIT");
  } finally {
    await client.end().catch(() => {});
  }
  return hasher.digest("hex");
}

/** The next batch of rows (arrays, in the result's column order); the first batch brings the column descriptions. */
function read(cursor: Cursor, where: string): Promise<{ rows: unknown[][]; fields: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(BATCH, (error, rows, result) => {
      if (error) reject(new DataError("parse-error", `${where}: ${error.message}`, where));
      else resolve({ rows: rows as unknown[][], fields: (result as pg.QueryResult | undefined)?.fields ?? [] });
    });
  });
}

/** Each schema column's position in the result; throws naming every mismatch. */
function checkContract(fields: pg.FieldDef[], schema: readonly ColumnSpec[], where: string, hasher: Hash): number[] {
  const problems: string[] = [];
  const position = new Map<string, number>();
  fields.forEach((f, i) => {
    if (position.has(f.name)) problems.push(`column "${f.name}" appears twice in the result`);
    position.set(f.name, i);
  });
  for (const column of schema) {
    const at = position.get(column.name);
    if (at === undefined) {
      problems.push(`column "${column.name}" is missing from the result`);
      continue;
    }
    const oid = fields[at]!.dataTypeID;
    const accepted = ACCEPTS[column.type.kind]!;
    const textLike = oid >= FIRST_USER_OID && (column.type.kind === "string" || column.type.kind === "enum");
    if (!accepted.has(oid) && !textLike)
      problems.push(
        `column "${column.name}" is ${TYPE_NAMES[oid] ?? `type ${oid}`} in the result, but the schema declares ${describe(column)}`,
      );
  }
  const declared = new Set(schema.map((c) => c.name));
  for (const f of fields) if (!declared.has(f.name)) problems.push(`column "${f.name}" is in the result but not in the schema`);
  if (problems.length > 0)
    throw new DataError("missing-column", `${where}: the result does not match the declared schema:\n  ${problems.join("\n  ")}`, where);
  hasher.update(`${JSON.stringify(schema.map((c) => c.name))}\n`);
  return schema.map((c) => position.get(c.name)!);
}

function describe(column: ColumnSpec): string {
  return column.type.kind === "enum" ? `an enum (${column.type.values.join(", ")})` : column.type.kind;
}
