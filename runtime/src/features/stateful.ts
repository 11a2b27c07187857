import * as agg from "../data/aggregates.js";
import type { PlanExpr, PlanExprNode } from "../plan.js";
import { argNode, numberLiteral, type CallNode } from "../plan-expr.js";
import { HASH_BUCKET_HASH, hashBucket } from "./hash.js";
import { asNum, describeVec, strAt, type MatrixVec, type NumVec, type StrVec, type Vec } from "./vectors.js";

/**
 * What a stateful call learned from the training split, keyed in `FittedFeatures.states` by the
 * call's `state` key. Definitions (scikit-learn's where it has one):
 * - standardize: (x − mean) / std, population std (StandardScaler); std 0 → divide by 1.
 * - min_max: (x − min) / (max − min) (MinMaxScaler); max = min → 0. Not clipped.
 * - impute(x, mean|median|mode|<constant>): nulls replaced by the fitted value (mode ties → smallest).
 * - one_hot(x): categories are an enum's declared values in order, `false, true` for a bool, or the
 *   sorted distinct training values of a string; a statically nullable input gets a last `null`
 *   category. An unseen value at transform time is a row of zeros. `impute(enum, "const")` with a
 *   constant outside the enum appends it to the categories (as the checker types it).
 * - bucketize(x, [e1, e2, ...]) (the plan's `list` call): len(edges) + 1 buckets between the given edges;
 *   bucketize(x, n) (an extension): n buckets between the training quantiles k/n (k = 1..n−1).
 *   Bucket = number of edges ≤ x.
 * - hash_bucket(x, n): bucket = MurmurHash3 (x86, 32 bit, seed 0) of the UTF-8 text of x, mod n
 *   (see hash.ts: the hash onnxruntime computes in the model graph); null → zeros.
 * bucketize and hash_bucket give a one-hot vector, or the bucket index when the feature is declared scalar.
 */
export type FittedState =
  | { kind: "standardize"; mean: number; std: number }
  | { kind: "min_max"; min: number; max: number }
  | { kind: "impute"; strategy: "mean" | "median" | "mode" | "constant"; value: number | string | boolean }
  | { kind: "one_hot"; categories: string[]; nullCategory: boolean }
  | { kind: "bucketize"; edges: number[]; buckets: number }
  /** `hash` names the hash function (`HASH_BUCKET_HASH`; states fitted before it changed say `fnv1a32-utf8`). */
  | { kind: "hash_bucket"; buckets: number; hash: string };

export const STATEFUL_FUNCTIONS = new Set(["standardize", "min_max", "impute", "one_hot", "bucketize", "hash_bucket"]);

const STRATEGIES = new Set(["mean", "median", "mode"]);

/** Fits the state of a stateful call from its first argument's values on the training split. */
export function fitState(expr: PlanExpr, call: CallNode, input: Vec, n: number): FittedState {
  const fn = call.fn;
  switch (fn) {
    case "standardize": {
      const values = nonNull(asNum(input, n, "standardize()"));
      const mean = agg.mean(values) ?? 0;
      let ss = 0;
      for (const v of values) ss += (v - mean) * (v - mean);
      const std = values.length > 0 ? Math.sqrt(ss / values.length) : 0;
      return { kind: "standardize", mean, std: std === 0 ? 1 : std };
    }
    case "min_max": {
      const values = nonNull(asNum(input, n, "min_max()"));
      return { kind: "min_max", min: agg.min(values) ?? 0, max: agg.max(values) ?? 0 };
    }
    case "impute":
      return fitImpute(input, argNode(expr, call, 1), n);
    case "one_hot":
      return fitOneHot(input);
    case "bucketize":
      return fitBucketize(expr, call, input, n);
    case "hash_bucket":
      return { kind: "hash_bucket", buckets: literalCount(argNode(expr, call, 1), "hash_bucket(x, n)"), hash: HASH_BUCKET_HASH };
    default:
      throw new Error(`${fn}() is not a stateful function`);
  }
}

/** Applies a fitted state; `scalar` asks bucketize/hash_bucket for the bucket index instead of a vector. */
export function applyState(state: FittedState, input: Vec, n: number, label: string, scalar: boolean): Vec {
  switch (state.kind) {
    case "standardize":
      return mapNonNull(asNum(input, n, "standardize()"), (x) => (x - state.mean) / state.std);
    case "min_max": {
      const range = state.max - state.min;
      return mapNonNull(asNum(input, n, "min_max()"), (x) => (range === 0 ? 0 : (x - state.min) / range));
    }
    case "impute":
      return applyImpute(state.value, input, n);
    case "one_hot":
      return oneHot(state, input, n, label);
    case "bucketize": {
      const x = asNum(input, n, "bucketize()");
      return buckets(
        n,
        state.buckets,
        (i) => (x.nulls[i] === 1 ? -1 : upperBound(state.edges, x.v[i]!)),
        label,
        scalar,
        bucketLabels(state.edges),
      );
    }
    case "hash_bucket": {
      if (state.hash !== HASH_BUCKET_HASH)
        throw new Error(`hash_bucket state uses the ${state.hash} hash: re-run the pipeline to refit it`);
      const text = textOf(input, n);
      const codes = text.perCode.map((s) => hashBucket(s, state.buckets));
      return buckets(n, state.buckets, (i) => (text.nulls[i] === 1 ? -1 : codes[text.codes[i]!]!), label, scalar);
    }
  }
}

function nonNull(x: NumVec): Float64Array {
  let count = 0;
  for (let i = 0; i < x.nulls.length; i++) count += 1 - x.nulls[i]!;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < x.v.length; i++) if (x.nulls[i] === 0) out[k++] = x.v[i]!;
  return out;
}

function mapNonNull(x: NumVec, f: (v: number) => number): NumVec {
  const v = new Float64Array(x.v.length);
  for (let i = 0; i < v.length; i++) if (x.nulls[i] === 0) v[i] = f(x.v[i]!);
  return { t: "num", v, nulls: x.nulls, nullable: x.nullable };
}

function strategyOf(expr: PlanExprNode | undefined): string | null {
  if (!expr) throw new Error("impute(x, mean|median|mode|<constant>) needs a second argument");
  if (expr.op === "ref" && STRATEGIES.has(expr.name)) return expr.name;
  if (expr.op === "lit" && typeof expr.value === "string" && STRATEGIES.has(expr.value)) return expr.value;
  return null;
}

function fitImpute(input: Vec, how: PlanExprNode | undefined, n: number): FittedState {
  const strategy = strategyOf(how);
  if (strategy === null) {
    if (how!.op !== "lit" || how!.value === null) throw new Error("impute(x, <constant>) needs a literal constant");
    return { kind: "impute", strategy: "constant", value: how!.value };
  }
  if (strategy === "mode") return { kind: "impute", strategy: "mode", value: modeOf(input, n) };
  if (input.t !== "num") throw new Error(`impute(x, ${strategy}) needs a number, got ${describeVec(input)}`);
  const sorted = nonNull(input).sort();
  const value = strategy === "mean" ? agg.mean(sorted) : agg.quantileSorted(sorted, 0.5);
  if (value === null) throw new Error(`impute(x, ${strategy}): the training split has no non-null value`);
  return { kind: "impute", strategy: strategy as "mean" | "median", value };
}

function modeOf(input: Vec, n: number): number | string | boolean {
  const counts = new Map<string, { value: number | string | boolean; count: number }>();
  for (let i = 0; i < n; i++) {
    const value = valueAt(input, i);
    if (value === null) continue;
    const key = `${typeof value}:${String(value)}`;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { value, count: 1 });
  }
  const best = [...counts.values()].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))[0];
  if (!best) throw new Error("impute(x, mode): the training split has no non-null value");
  return best.value;
}

function valueAt(vec: Vec, i: number): number | string | boolean | null {
  switch (vec.t) {
    case "num":
      return vec.nulls[i] === 1 ? null : vec.v[i]!;
    case "bool":
      return vec.nulls[i] === 1 ? null : vec.v[i] === 1;
    case "str":
      return strAt(vec, i);
    default:
      return null;
  }
}

function applyImpute(value: number | string | boolean, input: Vec, n: number): Vec {
  if (input.t === "str" || (input.t === "null" && typeof value === "string")) {
    const s: StrVec =
      input.t === "str" ? input : { t: "str", codes: new Int32Array(n), dict: [], nulls: new Uint8Array(n).fill(1), nullable: true };
    const dict = [...s.dict, String(value)];
    const codes = Int32Array.from(s.codes);
    for (let i = 0; i < n; i++) if (s.nulls[i] === 1) codes[i] = dict.length - 1;
    const text = String(value);
    const keepsEnum = s.enumValues ? { enumValues: s.enumValues.includes(text) ? s.enumValues : [...s.enumValues, text] } : {};
    return { t: "str", codes, dict, nulls: new Uint8Array(n), nullable: false, ...keepsEnum };
  }
  if (input.t === "bool" && typeof value === "boolean") {
    const v = Uint8Array.from(input.v);
    for (let i = 0; i < n; i++) if (input.nulls[i] === 1) v[i] = value ? 1 : 0;
    return { t: "bool", v, nulls: new Uint8Array(n), nullable: false };
  }
  const x = asNum(input, n, "impute()");
  const fill = typeof value === "boolean" ? (value ? 1 : 0) : Number(value);
  if (!Number.isFinite(fill)) throw new Error(`impute(): ${JSON.stringify(value)} is not a number`);
  const v = Float64Array.from(x.v);
  for (let i = 0; i < n; i++) if (x.nulls[i] === 1) v[i] = fill;
  return { t: "num", v, nulls: new Uint8Array(n), nullable: false, ...(x.unit ? { unit: x.unit } : {}) };
}

function fitOneHot(input: Vec): FittedState {
  switch (input.t) {
    case "bool":
      return { kind: "one_hot", categories: ["false", "true"], nullCategory: input.nullable };
    case "str": {
      if (input.enumValues) return { kind: "one_hot", categories: [...input.enumValues], nullCategory: input.nullable };
      const used = new Set<string>();
      for (let i = 0; i < input.codes.length; i++) if (input.nulls[i] === 0) used.add(input.dict[input.codes[i]!]!);
      return { kind: "one_hot", categories: [...used].sort(), nullCategory: input.nullable };
    }
    case "num": {
      const used = new Set<number>();
      for (let i = 0; i < input.v.length; i++) if (input.nulls[i] === 0) used.add(input.v[i]!);
      return { kind: "one_hot", categories: [...used].sort((a, b) => a - b).map(String), nullCategory: input.nullable };
    }
    default:
      throw new Error(`one_hot() needs a categorical value, got ${describeVec(input)}`);
  }
}

function oneHot(state: Extract<FittedState, { kind: "one_hot" }>, input: Vec, n: number, label: string): MatrixVec {
  const width = state.categories.length + (state.nullCategory ? 1 : 0);
  const index = new Map(state.categories.map((c, k) => [c, k]));
  const text = textOf(input, n);
  const perCode = text.perCode.map((s) => index.get(s) ?? -1);
  const nullColumn = state.nullCategory ? state.categories.length : -1;
  const v = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    const k = text.nulls[i] === 1 ? nullColumn : perCode[text.codes[i]!]!;
    if (k >= 0) v[i * width + k] = 1;
  }
  const labels = [...state.categories.map((c) => `${label}=${c}`), ...(state.nullCategory ? [`${label}=<null>`] : [])];
  return { t: "matrix", width, v, labels };
}

/** Any categorical or numeric vec as per-row codes into texts (numbers in their shortest JS form). */
function textOf(input: Vec, n: number): { codes: Int32Array; perCode: string[]; nulls: Uint8Array } {
  switch (input.t) {
    case "str":
      return { codes: input.codes, perCode: input.dict, nulls: input.nulls };
    case "bool":
      return { codes: Int32Array.from(input.v), perCode: ["false", "true"], nulls: input.nulls };
    case "num": {
      const perCode: string[] = [];
      const index = new Map<number, number>();
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (input.nulls[i] === 1) continue;
        let code = index.get(input.v[i]!);
        if (code === undefined) index.set(input.v[i]!, (code = perCode.push(String(input.v[i]!)) - 1));
        codes[i] = code;
      }
      return { codes, perCode, nulls: input.nulls };
    }
    case "null":
      return { codes: new Int32Array(n), perCode: [], nulls: new Uint8Array(n).fill(1) };
    case "matrix":
      throw new Error(`expected a single value, got ${describeVec(input)}`);
  }
}

function literalCount(expr: PlanExprNode | undefined, usage: string): number {
  if (expr?.op !== "lit" || typeof expr.value !== "number" || !Number.isInteger(expr.value) || expr.value < 1) {
    throw new Error(`${usage} needs a positive integer n`);
  }
  return expr.value;
}

function fitBucketize(expr: PlanExpr, call: CallNode, input: Vec, n: number): FittedState {
  const second = argNode(expr, call, 1);
  const listed = second?.op === "call" && second.fn === "list" ? second.args : call.args.length > 2 ? call.args.slice(1) : null;
  if (listed) {
    const edges = listed.map((index) => {
      const edge = numberLiteral(expr, expr.nodes[index]);
      if (edge === undefined) throw new Error("bucketize(x, [edges]) needs number literals as edges");
      return edge;
    });
    return { kind: "bucketize", edges: [...edges].sort((a, b) => a - b), buckets: edges.length + 1 };
  }
  const count = literalCount(second, "bucketize(x, n)");
  const sorted = nonNull(asNum(input, n, "bucketize()")).sort();
  if (sorted.length === 0) throw new Error("bucketize(): the training split has no non-null value");
  const edges = Array.from({ length: count - 1 }, (_, k) => agg.quantileSorted(sorted, (k + 1) / count)!);
  return { kind: "bucketize", edges, buckets: count };
}

function upperBound(edges: number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function bucketLabels(edges: number[]): string[] {
  const fmt = (v: number) => String(Number(v.toPrecision(6)));
  return Array.from({ length: edges.length + 1 }, (_, k) =>
    k === 0
      ? `<${fmt(edges[0] ?? Infinity)}`
      : k === edges.length
        ? `>=${fmt(edges[k - 1]!)}`
        : `[${fmt(edges[k - 1]!)},${fmt(edges[k]!)})`,
  );
}

function buckets(n: number, width: number, bucketOf: (i: number) => number, label: string, scalar: boolean, names?: string[]): Vec {
  if (scalar) {
    const v = new Float64Array(n);
    const nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const b = bucketOf(i);
      if (b < 0) nulls[i] = 1;
      else v[i] = b;
    }
    return { t: "num", v, nulls, nullable: false };
  }
  const v = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    const b = bucketOf(i);
    if (b >= 0) v[i * width + b] = 1;
  }
  const labels = Array.from({ length: width }, (_, k) => `${label}=${names?.[k] ?? k}`);
  return { t: "matrix", width, v, labels };
}
