/**
 * Rows → the graph's input tensors (`graph-contract.ts`): from a typed dataset (batch scoring,
 * evaluation) or from JSON-like records (serving), where every value is typed and checked as a
 * JSONL row would be (missing key = null) and a record that does not fit is a `DataError` of code
 * `invalid-record` naming the record (1-based), the field and the reason.
 */
import * as ort from "onnxruntime-node";
import type { ColumnSpec } from "@mlops/compiler";
import { coerceValue } from "../data/coerce.js";
import { getColumn, MS_PER_DAY, type CellValue, type Column, type Dataset } from "../data/dataset.js";
import { DataError } from "../data/errors.js";
import { STRING_NULL_MARKER, type GraphInput } from "./graph-contract.js";

export type Feeds = Record<string, ort.Tensor>;

const TWO_32 = 4294967296;
const INT64_NULL_HIGH = -0x80000000;

export function feedsFromDataset(inputs: readonly GraphInput[], dataset: Dataset): Feeds {
  const feeds: Feeds = {};
  for (const input of inputs) feeds[input.name] = columnTensor(input, getColumn(dataset, input.column), dataset.rowCount);
  return feeds;
}

function columnTensor(input: GraphInput, column: Column, n: number): ort.Tensor {
  switch (input.tensor) {
    case "string": {
      if (column.storage !== "string") throw new Error(`column ${column.name} is not a string column`);
      const { codes, dictionary, nulls } = column;
      const values = new Array<string>(n);
      for (let i = 0; i < n; i++) values[i] = nulls[i] === 1 ? STRING_NULL_MARKER : dictionary[codes[i]!]!;
      return new ort.Tensor("string", values, [n]);
    }
    case "bool":
      if (column.storage !== "bool") throw new Error(`column ${column.name} is not a bool column`);
      return new ort.Tensor("bool", column.values.subarray(0, n), [n]);
    case "double": {
      const values = new Float64Array(n);
      const source = column.storage === "string" ? null : column.values;
      if (!source) throw new Error(`column ${column.name} is not numeric`);
      for (let i = 0; i < n; i++) values[i] = column.nulls[i] === 1 ? Number.NaN : source[i]!;
      return new ort.Tensor("float64", values, [n]);
    }
    case "int64": {
      if (column.storage !== "number") throw new Error(`column ${column.name} is not numeric`);
      const scale = input.type.kind === "date" ? MS_PER_DAY : 1;
      const out = new BigInt64Array(n);
      const words = new Int32Array(out.buffer);
      for (let i = 0; i < n; i++) writeInt64(words, i, column.nulls[i] === 1 ? null : column.values[i]! * scale);
      return new ort.Tensor("int64", out, [n]);
    }
  }
}

/** A whole number below 2^53 in magnitude into the two little-endian words of an int64 (null → INT64_MIN). */
function writeInt64(words: Int32Array, i: number, value: number | null): void {
  if (value === null) {
    words[2 * i] = 0;
    words[2 * i + 1] = INT64_NULL_HIGH;
    return;
  }
  const whole = Math.trunc(value);
  const high = Math.floor(whole / TWO_32);
  words[2 * i] = (whole - high * TWO_32) | 0;
  words[2 * i + 1] = high;
}

/** Tensors for typed rows whose values are in `inputs` order (already checked against the schema). */
export function feedsFromRows(inputs: readonly GraphInput[], rows: ReadonlyArray<readonly CellValue[]>): Feeds {
  const feeds: Feeds = {};
  inputs.forEach((input, k) => {
    feeds[input.name] = tensorOf(input, rows.length, (i) => rows[i]![k] ?? null);
  });
  return feeds;
}

/** `rows` rows of plain values (0, "", false; never null) for warming a session up. */
export function warmupFeeds(inputs: readonly GraphInput[], rows: number): Feeds {
  const feeds: Feeds = {};
  for (const input of inputs)
    feeds[input.name] = tensorOf(input, rows, () => (input.tensor === "string" ? "" : input.tensor === "bool" ? false : 0));
  return feeds;
}

/** One input tensor from typed values (numbers, strings, bools; null). */
function tensorOf(input: GraphInput, n: number, value: (i: number) => CellValue): ort.Tensor {
  switch (input.tensor) {
    case "string": {
      const values = new Array<string>(n);
      for (let i = 0; i < n; i++) values[i] = (value(i) as string | null) ?? STRING_NULL_MARKER;
      return new ort.Tensor("string", values, [n]);
    }
    case "bool": {
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) values[i] = value(i) === true ? 1 : 0;
      return new ort.Tensor("bool", values, [n]);
    }
    case "double": {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = value(i);
        values[i] = v === null ? Number.NaN : v === true ? 1 : v === false ? 0 : (v as number);
      }
      return new ort.Tensor("float64", values, [n]);
    }
    case "int64": {
      const scale = input.type.kind === "date" ? MS_PER_DAY : 1;
      const out = new BigInt64Array(n);
      const words = new Int32Array(out.buffer);
      for (let i = 0; i < n; i++) {
        const v = value(i) as number | null;
        writeInt64(words, i, v === null ? null : v * scale);
      }
      return new ort.Tensor("int64", out, [n]);
    }
  }
}

export type RecordLike = Readonly<Record<string, unknown>>;

/** Tensors for raw records, typed and checked like JSONL rows. */
export function feedsFromRecords(inputs: readonly GraphInput[], columns: readonly ColumnSpec[], records: ReadonlyArray<RecordLike>): Feeds {
  const n = records.length;
  const problems: string[] = [];
  let problemCount = 0;
  const report = (row: number, field: string | undefined, reason: string): void => {
    problemCount++;
    if (problems.length < 10) problems.push(`record ${row}${field ? `, field ${field}` : ""}: ${reason}`);
  };
  records.forEach((record, i) => {
    if (record === null || typeof record !== "object" || Array.isArray(record)) report(i + 1, undefined, "not a JSON object");
  });
  const specs = new Map(columns.map((c) => [c.name, c]));
  const feeds: Feeds = {};
  for (const input of inputs) {
    const spec = specs.get(input.column) ?? { name: input.column, type: input.type, unique: false };
    feeds[input.name] = recordsTensor(input, spec, records, n, report);
  }
  if (problemCount > 0) {
    const more = problemCount > problems.length ? `; and ${problemCount - problems.length} more` : "";
    throw new DataError("invalid-record", `${problems.join("; ")}${more}`, null);
  }
  return feeds;
}

type Report = (row: number, field: string, reason: string) => void;

function recordsTensor(input: GraphInput, spec: ColumnSpec, records: ReadonlyArray<RecordLike>, n: number, report: Report): ort.Tensor {
  const name = input.column;
  const type = input.type;
  const fast = fastPath(input, spec);
  return tensorOf(input, n, (i) => {
    const record = records[i];
    if (record === null || typeof record !== "object") return null;
    const raw = record[name];
    if (fast(raw)) return raw as CellValue;
    const result = coerceValue(raw, type);
    if (!result.ok) {
      report(i + 1, name, result.reason);
      return null;
    }
    const value = result.value;
    if (value === null) {
      if (!type.nullable) report(i + 1, name, "null in a non-nullable column");
      return null;
    }
    if (spec.range && typeof value === "number" && (value < spec.range.min || value > spec.range.max)) {
      report(i + 1, name, `out of range [${spec.range.min}, ${spec.range.max}]`);
    }
    return value;
  });
}

/** A raw JSON value that is already the column's value as is (the common case, checked without coercion). */
function fastPath(input: GraphInput, spec: ColumnSpec): (raw: unknown) => boolean {
  const range = spec.range;
  const inRange = (v: number): boolean => !range || (v >= range.min && v <= range.max);
  switch (input.type.kind) {
    case "string":
      return (raw) => typeof raw === "string";
    case "float":
      return (raw) => typeof raw === "number" && Number.isFinite(raw) && inRange(raw);
    case "int":
      return (raw) => typeof raw === "number" && Number.isSafeInteger(raw) && inRange(raw);
    case "bool":
      return (raw) => typeof raw === "boolean";
    default:
      return () => false;
  }
}
