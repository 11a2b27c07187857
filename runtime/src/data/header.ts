import type { ColumnSpec } from "../plan.js";
import { DataError } from "./errors.js";

export interface HeaderMatch {
  /** For each schema column, its position among the file's columns; -1 for an absent nullable column. */
  positions: number[];
  /** Nullable schema columns the file does not have: read as all nulls. */
  absent: string[];
}

/**
 * Matches a file's columns to the schema. A nullable schema column the file lacks is absent (all
 * nulls: adding a nullable column to a schema is a compatible change); a missing non-nullable
 * column, a column the schema does not declare and a repeated name are errors naming the file.
 */
export function matchHeader(fileColumns: readonly string[], schema: readonly ColumnSpec[], file: string): HeaderMatch {
  const position = new Map<string, number>();
  fileColumns.forEach((name, i) => {
    if (position.has(name)) throw new DataError("duplicate-column", `${file}: column "${name}" appears twice in the header`, file);
    position.set(name, i);
  });
  const missing = schema.filter((c) => !position.has(c.name) && !c.type.nullable).map((c) => c.name);
  if (missing.length > 0) {
    throw new DataError(
      "missing-column",
      `${file}: missing ${plural(missing.length, "column")} ${quoteList(missing)} declared in the schema (the file has ${quoteList(fileColumns)})`,
      file,
    );
  }
  const declared = new Set(schema.map((c) => c.name));
  const unknown = fileColumns.filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new DataError(
      "unknown-column",
      `${file}: ${plural(unknown.length, "column")} ${quoteList(unknown)} not declared in the schema (declare ${unknown.length === 1 ? "it" : "them"} in the source's schema)`,
      file,
    );
  }
  return {
    positions: schema.map((c) => position.get(c.name) ?? -1),
    absent: schema.filter((c) => !position.has(c.name)).map((c) => c.name),
  };
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}
