import type { Column } from "../data/dataset.js";

/**
 * A feature expression's value over every row. Number and bool vectors may hold nulls
 * (`nulls[i] === 1`); strings stay dictionary-encoded so string functions run once per distinct
 * value. `nullable` is the static nullability (from the declared column types), which decides
 * e.g. whether `one_hot` gets a null category — never whether nulls happen to be present.
 */
export type Vec = NumVec | BoolVec | StrVec | MatrixVec | NullVec;

export interface NumVec {
  t: "num";
  v: Float64Array;
  nulls: Uint8Array;
  nullable: boolean;
  /** Set for timestamps (epoch ms) and dates (epoch days). */
  unit?: "ms" | "days";
}

export interface BoolVec {
  t: "bool";
  v: Uint8Array;
  nulls: Uint8Array;
  nullable: boolean;
}

export interface StrVec {
  t: "str";
  codes: Int32Array;
  dict: string[];
  nulls: Uint8Array;
  nullable: boolean;
  /** The declared values, when the strings come straight from an enum column. */
  enumValues?: string[];
}

/** Row-major `rows × width` block (one_hot, hash_bucket, bucketize). Never null. */
export interface MatrixVec {
  t: "matrix";
  width: number;
  v: Float32Array;
  labels: string[];
}

/** The literal `null`. */
export interface NullVec {
  t: "null";
}

export function columnVec(column: Column): Vec {
  const nullable = column.type.nullable;
  switch (column.storage) {
    case "number": {
      const unit = column.type.kind === "timestamp" ? "ms" : column.type.kind === "date" ? "days" : undefined;
      return { t: "num", v: column.values, nulls: column.nulls, nullable, ...(unit ? { unit } : {}) };
    }
    case "bool":
      return { t: "bool", v: column.values, nulls: column.nulls, nullable };
    case "string":
      return {
        t: "str",
        codes: column.codes,
        dict: column.dictionary,
        nulls: column.nulls,
        nullable,
        ...(column.type.kind === "enum" ? { enumValues: column.type.values } : {}),
      };
  }
}

export function literalVec(value: number | string | boolean | null, n: number): Vec {
  const nulls = new Uint8Array(n);
  if (value === null) return { t: "null" };
  if (typeof value === "number") return { t: "num", v: new Float64Array(n).fill(value), nulls, nullable: false };
  if (typeof value === "boolean") return { t: "bool", v: new Uint8Array(n).fill(value ? 1 : 0), nulls, nullable: false };
  return { t: "str", codes: new Int32Array(n), dict: [value], nulls, nullable: false };
}

/** Numbers and bools (as 0/1) for arithmetic. */
export function asNum(vec: Vec, n: number, what: string): NumVec {
  switch (vec.t) {
    case "num":
      return vec;
    case "bool":
      return { t: "num", v: Float64Array.from(vec.v), nulls: vec.nulls, nullable: vec.nullable };
    case "null":
      return { t: "num", v: new Float64Array(n), nulls: new Uint8Array(n).fill(1), nullable: true };
    default:
      throw new Error(`${what} needs a number, got ${describeVec(vec)}`);
  }
}

export function asBool(vec: Vec, n: number, what: string): BoolVec {
  if (vec.t === "bool") return vec;
  if (vec.t === "null") return { t: "bool", v: new Uint8Array(n), nulls: new Uint8Array(n).fill(1), nullable: true };
  throw new Error(`${what} needs a bool, got ${describeVec(vec)}`);
}

export function asStr(vec: Vec, n: number, what: string): StrVec {
  if (vec.t === "str") return vec;
  if (vec.t === "null") return { t: "str", codes: new Int32Array(n), dict: [], nulls: new Uint8Array(n).fill(1), nullable: true };
  throw new Error(`${what} needs a string, got ${describeVec(vec)}`);
}

export function describeVec(vec: Vec): string {
  switch (vec.t) {
    case "num":
      return vec.unit === "ms" ? "a timestamp" : vec.unit === "days" ? "a date" : "a number";
    case "bool":
      return "a bool";
    case "str":
      return "a string";
    case "matrix":
      return `a vector of ${vec.width}`;
    case "null":
      return "null";
  }
}

export function orNulls(...masks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(masks[0]!.length);
  for (const mask of masks) for (let i = 0; i < out.length; i++) out[i]! |= mask[i]!;
  return out;
}

/** The string at row i, or null. */
export function strAt(vec: StrVec, i: number): string | null {
  return vec.nulls[i] === 1 ? null : vec.dict[vec.codes[i]!]!;
}
