/**
 * Fitted transforms (`features/stateful.ts` fits them on the training split) as ONNX operators:
 * standardize/min_max/impute as float64 arithmetic and `Where`, one_hot of strings as
 * `OneHotEncoder` (ai.onnx.ml; an unseen value gives a row of zeros) and of numbers and bools as
 * an `Equal` against the categories, bucketize as a count of edges ≤ x, hash_bucket as
 * onnxruntime's contrib `MurmurHash3` (x86, 32 bit, seed 0, over the UTF-8 text) mod n. Vectors
 * are the bucket index compared with 0…n-1; a null gives an out-of-range index, so a row of zeros.
 */
import type { FittedState } from "../features/stateful.js";
import { HASH_BUCKET_HASH, murmur3Text } from "../features/hash.js";
import { attr, DOMAIN_ML, DOMAIN_MS, type OnnxBuilder } from "./onnx-builder.js";
import {
  asNum,
  asStr,
  bool,
  describeValue,
  nullMask,
  nullWhere,
  num,
  toDouble,
  type BoolValue,
  type GraphValue,
  type MatrixValue,
  type NumValue,
  type ScalarValue,
  type StrValue,
} from "./graph-values.js";

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
const ONNX_STRING = 8;

/** Applies a fitted state; `scalar` asks bucketize/hash_bucket for the bucket index instead of a vector. */
export function lowerState(b: OnnxBuilder, state: FittedState, input: GraphValue, scalar: boolean): GraphValue {
  switch (state.kind) {
    case "standardize": {
      const x = asNum(b, input, "standardize()");
      const centred = b.op("Sub", [x.name, b.double(state.mean)]);
      return { ...num(b.op("Div", [centred, b.double(state.std)], { hint: "standardize" }), [x]), mayBeNull: x.mayBeNull };
    }
    case "min_max": {
      const x = asNum(b, input, "min_max()");
      const range = state.max - state.min;
      const scaled =
        range === 0
          ? b.op("Mul", [x.name, b.double(0)])
          : b.op("Div", [b.op("Sub", [x.name, b.double(state.min)]), b.double(range)], { hint: "min_max" });
      return { ...num(scaled, [x]), mayBeNull: x.mayBeNull };
    }
    case "impute":
      return impute(b, state.value, input);
    case "one_hot":
      return oneHot(b, state.categories, state.nullCategory, input);
    case "bucketize":
      return bucketize(b, state.edges, state.buckets, asNum(b, input, "bucketize()"), scalar);
    case "hash_bucket":
      if (state.hash !== HASH_BUCKET_HASH) {
        throw new Error(`hash_bucket state uses the ${state.hash} hash, which the graph cannot compute: re-run the pipeline to refit it`);
      }
      return hashBucket(b, state.buckets, input, scalar);
  }
}

function impute(b: OnnxBuilder, value: number | string | boolean, input: GraphValue): GraphValue {
  if (input.t === "str" || (input.t === "null" && typeof value === "string")) {
    const s = asStr(b, input, "impute()");
    const mask = nullMask(b, s);
    const name = mask === undefined ? s.name : b.op("Where", [mask, b.string(String(value)), s.name], { hint: "impute" });
    const filled: StrValue = { t: "str", name, constant: s.constant, mayBeNull: false };
    return filled;
  }
  if (input.t === "bool" && typeof value === "boolean") {
    const mask = nullMask(b, input);
    return bool(mask === undefined ? input.name : b.op("Where", [mask, b.double(value ? 1 : 0), input.name]), [input], false);
  }
  const x = asNum(b, input, "impute()");
  const fill = typeof value === "boolean" ? (value ? 1 : 0) : Number(value);
  if (!Number.isFinite(fill)) throw new Error(`impute(): ${JSON.stringify(value)} is not a number`);
  const mask = nullMask(b, x);
  const name = mask === undefined ? x.name : b.op("Where", [mask, b.double(fill), x.name], { hint: "impute" });
  return { ...num(name, [x], x.unit ? { unit: x.unit } : {}), mayBeNull: false };
}

function oneHot(b: OnnxBuilder, categories: string[], nullCategory: boolean, input: GraphValue): MatrixValue {
  if (input.t === "matrix") throw new Error(`one_hot() needs a categorical value, got ${describeValue(input)}`);
  const value = input.t === "null" ? asStr(b, input, "one_hot()") : input;
  const blocks: string[] = [];
  if (categories.length > 0) blocks.push(value.t === "str" ? oneHotStrings(b, value, categories) : oneHotNumbers(b, value, categories));
  if (nullCategory) {
    const mask = nullMask(b, value, true)!;
    blocks.push(column(b, b.op("Cast", [mask], { attributes: [attr.int("to", ONNX_FLOAT)] })));
  }
  const width = categories.length + (nullCategory ? 1 : 0);
  if (blocks.length === 0) return zeros(b, value);
  const name = blocks.length === 1 ? blocks[0]! : b.op("Concat", blocks, { attributes: [attr.int("axis", 1)], hint: "one_hot" });
  return { t: "matrix", name, width, constant: value.constant };
}

function oneHotStrings(b: OnnxBuilder, s: StrValue, categories: string[]): string {
  return b.op("OneHotEncoder", [s.name], {
    domain: DOMAIN_ML,
    hint: "one_hot",
    attributes: [attr.strings("cats_strings", categories), attr.int("zeros", 1)],
  });
}

/** Numbers and bools against their categories (the texts of numbers; `false`/`true`). */
function oneHotNumbers(b: OnnxBuilder, x: NumValue | BoolValue, categories: string[]): string {
  const values = categories.map((c) => (c === "false" ? 0 : c === "true" ? 1 : Number(c)));
  const equal = b.op("Equal", [column(b, x.name), b.constant("float64", values, [1, values.length])]);
  return indicator(b, equal, "one_hot");
}

/** A bool matrix as float32 1/0 (a `Cast`: in onnxruntime ~1.7× faster than a `Where` over two scalars). */
function indicator(b: OnnxBuilder, test: string, hint: string): string {
  return b.op("Cast", [test], { attributes: [attr.int("to", ONNX_FLOAT)], hint });
}

function bucketize(b: OnnxBuilder, edges: number[], buckets: number, x: NumValue, scalar: boolean): GraphValue {
  const missing = b.op("IsNaN", [x.name]);
  let index: string;
  if (edges.length === 0) {
    index = b.op("Where", [missing, b.int64(buckets), b.int64(0)]);
  } else {
    const above = b.op("GreaterOrEqual", [column(b, x.name), b.constant("float64", edges, [1, edges.length])]);
    const count = b.op("ReduceSum", [b.op("Cast", [above], { attributes: [attr.int("to", ONNX_INT64)] }), b.constant("int64", [1])], {
      attributes: [attr.int("keepdims", 0)],
      hint: "bucket",
    });
    index = b.op("Where", [missing, b.int64(buckets), count], { hint: "bucket" });
  }
  return buckets_(b, index, missing, buckets, scalar, x);
}

function hashBucket(b: OnnxBuilder, buckets: number, input: GraphValue, scalar: boolean): GraphValue {
  if (input.t === "matrix") throw new Error(`hash_bucket() needs a categorical value, got ${describeValue(input)}`);
  const value = input.t === "null" ? asStr(b, input, "hash_bucket()") : input;
  const mask = nullMask(b, value);
  let index: string;
  if (value.t === "bool") {
    const [no, yes] = [murmur3Text("false") % buckets, murmur3Text("true") % buckets];
    index = b.op("Where", [b.op("Equal", [value.name, b.double(1)]), b.int64(yes), b.int64(no)]);
  } else {
    const text =
      value.t === "str"
        ? value.name
        : b.op("Cast", [b.op("Cast", [zeroWhere(b, mask, value.name)], { attributes: [attr.int("to", ONNX_INT64)] })], {
            attributes: [attr.int("to", ONNX_STRING)],
          });
    const hash = b.op("MurmurHash3", [text], {
      domain: DOMAIN_MS,
      hint: "hash",
      attributes: [attr.int("positive", 1), attr.int("seed", 0)],
      declare: { type: "uint32", rank: 1 },
    });
    index = b.op("Mod", [b.op("Cast", [hash], { attributes: [attr.int("to", ONNX_INT64)] }), b.int64(buckets)], { hint: "bucket" });
  }
  const bucket = mask === undefined ? index : b.op("Where", [mask, b.int64(buckets), index]);
  return buckets_(b, bucket, mask, buckets, scalar, value);
}

/** The bucket index (null where `missing`) as a number, or its one-hot vector (zeros where missing). */
function buckets_(
  b: OnnxBuilder,
  index: string,
  missing: string | undefined,
  width: number,
  scalar: boolean,
  input: ScalarValue,
): GraphValue {
  const constant = input.constant;
  if (scalar) return { t: "num", name: nullWhere(b, missing, toDouble(b, index)), constant, mayBeNull: missing !== undefined };
  // index == [0, 1, …, width-1] broadcast over [N, 1] × [1, width]; an out-of-range (null) index
  // matches nothing
  const positions = b.constant(
    "int64",
    Array.from({ length: width }, (_, k) => k),
    [1, width],
  );
  const name = indicator(b, b.op("Equal", [column(b, index), positions]), "buckets");
  return { t: "matrix", name, width, constant };
}

/** 0 where `mask` (so a cast to int64 is defined). */
function zeroWhere(b: OnnxBuilder, mask: string | undefined, name: string): string {
  return mask === undefined ? name : b.op("Where", [mask, b.double(0), name]);
}

/** `[N]` → `[N, 1]`. */
export function column(b: OnnxBuilder, name: string): string {
  return b.op("Unsqueeze", [name, b.constant("int64", [1])]);
}

function zeros(b: OnnxBuilder, value: ScalarValue): MatrixValue {
  const rows = b.op("Shape", [value.name]);
  const shape = b.op("Concat", [rows, b.constant("int64", [0])], { attributes: [attr.int("axis", 0)] });
  return { t: "matrix", name: b.op("ConstantOfShape", [shape], { attributes: [] }), width: 0, constant: value.constant };
}
