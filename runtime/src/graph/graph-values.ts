/**
 * What a feature expression is inside the graph. Every scalar is a 1-D tensor over the rows
 * (`[N]`), or `[1]` for a constant, which ONNX broadcasting stretches to the rows:
 * - numbers and bools: float64, null = NaN, never ±Inf (a result outside a function's domain
 *   becomes NaN, as the JavaScript evaluator's "non-finite result is null" rule says); bools are 0/1;
 * - strings (and enum values): string tensors, null = the null marker (`STRING_NULL_MARKER`);
 * - vectors (one_hot, bucketize, hash_bucket): float32 `[N, width]`, never null.
 */
import { DOMAIN_ML, attr, type OnnxBuilder } from "./onnx-builder.js";
import { STRING_NULL_MARKER } from "./graph-contract.js";

interface ScalarBase {
  name: string;
  /** `[1]` (a constant) rather than `[N]`. */
  constant: boolean;
  /** False only when the value is known never to be null (so null handling can be skipped). */
  mayBeNull: boolean;
}

export interface NumValue extends ScalarBase {
  t: "num";
  /** Set for timestamps (epoch ms) and dates (epoch days). */
  unit?: "ms" | "days";
  literal?: number;
}

export interface BoolValue extends ScalarBase {
  t: "bool";
  literal?: boolean;
}

export interface StrValue extends ScalarBase {
  t: "str";
  literal?: string;
}

export interface MatrixValue {
  t: "matrix";
  name: string;
  width: number;
  /** `[1, width]` (from a constant) rather than `[N, width]`. */
  constant: boolean;
}

export interface NullValue {
  t: "null";
}

export type ScalarValue = NumValue | BoolValue | StrValue;
export type GraphValue = ScalarValue | MatrixValue | NullValue;

export function describeValue(value: GraphValue): string {
  switch (value.t) {
    case "num":
      return value.unit === "ms" ? "a timestamp" : value.unit === "days" ? "a date" : "a number";
    case "bool":
      return "a bool";
    case "str":
      return "a string";
    case "matrix":
      return `a vector of ${value.width}`;
    case "null":
      return "null";
  }
}

/** Numbers and bools (as 0/1) for arithmetic; the literal null is a NaN constant. */
export function asNum(b: OnnxBuilder, value: GraphValue, what: string): NumValue {
  switch (value.t) {
    case "num":
      return value;
    case "bool":
      return { t: "num", name: value.name, constant: value.constant, mayBeNull: value.mayBeNull };
    case "null":
      return { t: "num", name: b.double(Number.NaN), constant: true, mayBeNull: true };
    default:
      throw new Error(`${what} needs a number, got ${describeValue(value)}`);
  }
}

export function asBool(b: OnnxBuilder, value: GraphValue, what: string): BoolValue {
  if (value.t === "bool") return value;
  if (value.t === "null") return { t: "bool", name: b.double(Number.NaN), constant: true, mayBeNull: true };
  throw new Error(`${what} needs a bool, got ${describeValue(value)}`);
}

export function asStr(b: OnnxBuilder, value: GraphValue, what: string): StrValue {
  if (value.t === "str") return value;
  if (value.t === "null") return { t: "str", name: b.string(STRING_NULL_MARKER), constant: true, mayBeNull: true };
  throw new Error(`${what} needs a string, got ${describeValue(value)}`);
}

/** A bool tensor, true where the value is null; undefined when it never is (unless `always`). */
export function nullMask(b: OnnxBuilder, value: GraphValue, always = false): string | undefined {
  switch (value.t) {
    case "matrix":
      return always ? b.constant("bool", [false]) : undefined;
    case "null":
      return b.constant("bool", [true]);
    case "num":
    case "bool":
      return value.mayBeNull || always ? b.op("IsNaN", [value.name], { hint: "is_null" }) : undefined;
    case "str":
      return value.mayBeNull || always ? stringEquals(b, value.name, STRING_NULL_MARKER) : undefined;
  }
}

const ONNX_BOOL = 9;
const ONNX_DOUBLE = 11;

export function toDouble(b: OnnxBuilder, name: string): string {
  return b.op("Cast", [name], { attributes: [attr.int("to", ONNX_DOUBLE)] });
}

export type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** `a op c` as a 0/1 value, null where an operand is null. */
export function compareNumbers(b: OnnxBuilder, operator: ComparisonOperator, a: string, c: string, operands: GraphValue[]): BoolValue {
  const test =
    operator === "!="
      ? b.op("Not", [b.op("Equal", [a, c])])
      : b.op({ "==": "Equal", "<": "Less", "<=": "LessOrEqual", ">": "Greater", ">=": "GreaterOrEqual" }[operator], [a, c]);
  const mask = anyNull(
    b,
    operands.map((o) => nullMask(b, o)),
  );
  return bool(nullWhere(b, mask, toDouble(b, test)), operands, mask !== undefined);
}

/** A bool tensor: `strings == text`, elementwise (string Equal needs opset 19; LabelEncoder does it in ai.onnx.ml 2). */
export function stringEquals(b: OnnxBuilder, strings: string, text: string): string {
  const hit = b.op("LabelEncoder", [strings], {
    domain: DOMAIN_ML,
    hint: "str_eq",
    attributes: [attr.strings("keys_strings", [text]), attr.ints("values_int64s", [1]), attr.int("default_int64", 0)],
  });
  return b.op("Cast", [hit], { attributes: [attr.int("to", ONNX_BOOL)], hint: "str_eq" });
}

/** The union of null masks (undefined when none can be null). */
export function anyNull(b: OnnxBuilder, masks: Array<string | undefined>): string | undefined {
  const present = masks.filter((m): m is string => m !== undefined);
  if (present.length === 0) return undefined;
  return present.reduce((acc, next) => b.op("Or", [acc, next], { hint: "null" }));
}

/** `result` with NaN where `mask` is true. */
export function nullWhere(b: OnnxBuilder, mask: string | undefined, result: string): string {
  if (mask === undefined) return result;
  return b.op("Where", [mask, b.double(Number.NaN), result], { hint: "nulled" });
}

/** ±Inf → NaN: a result outside a function's domain is null. */
export function finiteOrNull(b: OnnxBuilder, name: string): string {
  return b.op("Where", [b.op("IsInf", [name]), b.double(Number.NaN), name], { hint: "finite" });
}

export function num(name: string, parts: GraphValue[], extra: Partial<NumValue> = {}): NumValue {
  return { t: "num", name, constant: allConstant(parts), mayBeNull: true, ...extra };
}

export function bool(name: string, parts: GraphValue[], mayBeNull: boolean): BoolValue {
  return { t: "bool", name, constant: allConstant(parts), mayBeNull };
}

export function allConstant(parts: GraphValue[]): boolean {
  return parts.every((p) => p.t === "null" || (p.t !== "matrix" && p.constant));
}

export function mayBeNull(value: GraphValue): boolean {
  return value.t === "null" || (value.t !== "matrix" && value.mayBeNull);
}
