/**
 * What a scoring request must send, from the served version's graph inputs (the source columns
 * its features read, as typed when it was trained; ranges from the source's declaration), and the
 * strict check of one value against it.
 * JSON types must match the column type — a number for int/float, a boolean for bool, a string
 * for string/enum; timestamps and dates as ISO text (or epoch numbers, as in JSONL sources). Out of
 * range, unknown enum values and nulls in non-nullable columns are refused. Every error names the
 * instance (0-based) and the column.
 */
import type { ColumnSpec, SourceSpec } from "../plan.js";
import type { GraphInput } from "../graph/graph-contract.js";
import { coerceValue, describe } from "../data/coerce.js";
import type { CellValue } from "../data/dataset.js";
import { jsonKind } from "./http-io.js";

export interface InstanceSchema {
  /** The columns every instance carries (what the features read), in the graph's input order. */
  columns: readonly ColumnSpec[];
  /** Other columns of the source an instance may also carry (ids, the target): checked, logged, not scored. */
  extra: ReadonlyMap<string, ColumnSpec>;
}

/**
 * The graph's input types are the served version's own; a source column of the same name and
 * kind adds its declared range (a source edited since then cannot change what the version reads).
 */
export function instanceSchema(inputs: readonly GraphInput[], source: SourceSpec | undefined): InstanceSchema {
  const declared = new Map((source?.columns ?? []).map((c) => [c.name, c] as const));
  const columns = inputs.map((input): ColumnSpec => {
    const column = declared.get(input.column);
    const range = column?.type.kind === input.type.kind ? column.range : undefined;
    return { name: input.column, type: input.type, unique: column?.unique ?? false, ...(range ? { range } : {}) };
  });
  const used = new Set(columns.map((c) => c.name));
  const extra = new Map((source?.columns ?? []).filter((c) => !used.has(c.name)).map((c) => [c.name, c] as const));
  return { columns, extra };
}

/** A value that does not fit its column: 422 with this message. */
export class InstanceError extends Error {
  override readonly name = "InstanceError";
  constructor(
    readonly instance: number,
    readonly column: string | null,
    reason: string,
  ) {
    super(column === null ? `instance ${instance}: ${reason}` : `instance ${instance}, column ${column}: ${reason}`);
  }
}

/** The typed value of one JSON value for `column`, or the reason it does not fit. */
export function checkValue(value: unknown, column: ColumnSpec): { ok: true; value: CellValue } | { ok: false; reason: string } {
  if (value === null || value === undefined) {
    if (column.type.nullable) return { ok: true, value: null };
    return { ok: false, reason: value === null ? "null in a non-nullable column" : "missing (the column is not nullable)" };
  }
  const kind = column.type.kind;
  const wrongType = (): { ok: false; reason: string } => ({
    ok: false,
    reason: `expected ${describe(column.type)}, got ${jsonKind(value)}${typeof value === "string" ? ` ${shortJson(value)}` : ""}`,
  });
  switch (typeof value) {
    case "number":
      if (kind === "string" || kind === "enum" || kind === "bool") return wrongType();
      break;
    case "boolean":
      if (kind !== "bool") return wrongType();
      return { ok: true, value };
    case "string":
      if (kind === "int" || kind === "float" || kind === "bool") return wrongType();
      if (kind === "enum" && !column.type.values.includes(value))
        return { ok: false, reason: `unknown value ${shortJson(value)} (expected ${describe(column.type)})` };
      break;
    default:
      return wrongType();
  }
  const coerced = coerceValue(value, column.type);
  if (!coerced.ok) return coerced;
  const typed = coerced.value;
  if (column.range && typeof typed === "number" && (typed < column.range.min || typed > column.range.max))
    return { ok: false, reason: `${typed} is out of range [${column.range.min}, ${column.range.max}]` };
  return { ok: true, value: typed };
}

function shortJson(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * The typed row (values in `schema.columns` order) of instance `index`, which must be a JSON
 * object with every column; other keys must be columns of the source.
 */
export function checkInstance(instance: unknown, index: number, schema: InstanceSchema): CellValue[] {
  if (typeof instance !== "object" || instance === null || Array.isArray(instance))
    throw new InstanceError(index, null, `expected an object of column values, got ${jsonKind(instance)}`);
  const record = instance as Record<string, unknown>;
  const row = new Array<CellValue>(schema.columns.length);
  let present = 0;
  for (let k = 0; k < schema.columns.length; k++) {
    const column = schema.columns[k]!;
    const value = record[column.name];
    if (value === undefined && !Object.hasOwn(record, column.name)) {
      if (!column.type.nullable) throw new InstanceError(index, column.name, "missing column");
    } else {
      present++;
    }
    const checked = checkValue(value, column);
    if (!checked.ok) throw new InstanceError(index, column.name, checked.reason);
    row[k] = checked.value;
  }
  const keys = Object.keys(record);
  if (keys.length !== present) {
    for (const key of keys) {
      if (schema.columns.some((c) => c.name === key)) continue;
      const extra = schema.extra.get(key);
      if (!extra) throw new InstanceError(index, key, `unknown column (the model reads ${schema.columns.map((c) => c.name).join(", ")})`);
      const checked = checkValue(record[key], extra);
      if (!checked.ok) throw new InstanceError(index, key, checked.reason);
    }
  }
  return row;
}
