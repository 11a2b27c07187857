import { MS_PER_DAY } from "../data/dataset.js";
import type { PlanBinaryOperator } from "../plan.js";
import { compareCodePoints, lowerText, upperText } from "./text.js";
import { asBool, asNum, asStr, describeVec, orNulls, strAt, type BoolVec, type NumVec, type StrVec, type Vec } from "./vectors.js";

/**
 * The stateless feature functions of the language. Conventions (documented for serving parity):
 * - A null argument gives a null result, except `coalesce`, `is_null`, `if` (branches) and `and`/`or`
 *   (three-valued logic).
 * - A result outside a function's domain (`log(0)`, `sqrt(-1)`, `x / 0`) is null; as a model input
 *   that null is then an error naming the feature and the row.
 * - `round(x)` rounds halves away from zero (2.5 → 3), as the language reference says.
 * - `len` counts Unicode code points; `lower`/`upper` map case one code point at a time and strings
 *   compare by code point (see text.ts).
 * - Time functions read UTC: `hour` 0–23, `day_of_week` Monday = 0 … Sunday = 6 (as pandas), `month` 1–12.
 * - `days_between(a, b)` is the whole days from a to b: (b − a) in days, truncated toward zero.
 */
export function applyFunction(fn: string, args: Vec[], n: number): Vec {
  const what = `${fn}()`;
  switch (fn) {
    case "log":
      return mapNum(asNum(arg(args, 0, fn), n, what), Math.log);
    case "log1p":
      return mapNum(asNum(arg(args, 0, fn), n, what), Math.log1p);
    case "exp":
      return mapNum(asNum(arg(args, 0, fn), n, what), Math.exp);
    case "sqrt":
      return mapNum(asNum(arg(args, 0, fn), n, what), Math.sqrt);
    case "abs":
      return mapNum(asNum(arg(args, 0, fn), n, what), Math.abs);
    case "round":
      return mapNum(asNum(arg(args, 0, fn), n, what), roundHalfAway);
    case "clip":
      return clip(args, n);
    case "min":
      return extreme(args, n, fn, Math.min);
    case "max":
      return extreme(args, n, fn, Math.max);
    case "coalesce":
      return coalesce(args, n);
    case "is_null":
      return isNull(arg(args, 0, fn), n);
    case "lower":
      return mapStr(asStr(arg(args, 0, fn), n, what), lowerText);
    case "upper":
      return mapStr(asStr(arg(args, 0, fn), n, what), upperText);
    case "len":
      return strToNum(asStr(arg(args, 0, fn), n, what), (s) => [...s].length);
    case "contains":
      return contains(args, n);
    case "hour":
      return timePart(arg(args, 0, fn), n, fn, (d) => d.getUTCHours());
    case "day_of_week":
      return timePart(arg(args, 0, fn), n, fn, (d) => (d.getUTCDay() + 6) % 7);
    case "month":
      return timePart(arg(args, 0, fn), n, fn, (d) => d.getUTCMonth() + 1);
    case "days_between":
      return daysBetween(args, n);
    case "if":
      return ifThenElse(args, n);
    case "list":
      throw new Error("a list [..] is only allowed as the edges of bucketize(x, [edges])");
    default:
      throw new Error(`unknown function ${fn}()`);
  }
}

function arg(args: Vec[], k: number, fn: string): Vec {
  const a = args[k];
  if (!a) throw new Error(`${fn}() needs at least ${k + 1} argument${k === 0 ? "" : "s"}`);
  return a;
}

function mapNum(x: NumVec, f: (v: number) => number): NumVec {
  const v = new Float64Array(x.v.length);
  const nulls = Uint8Array.from(x.nulls);
  for (let i = 0; i < v.length; i++) {
    if (nulls[i] === 1) continue;
    const r = f(x.v[i]!);
    if (Number.isFinite(r)) v[i] = r;
    else nulls[i] = 1;
  }
  return { t: "num", v, nulls, nullable: x.nullable };
}

function zipNum(a: NumVec, b: NumVec, f: (x: number, y: number) => number): NumVec {
  const v = new Float64Array(a.v.length);
  const nulls = orNulls(a.nulls, b.nulls);
  for (let i = 0; i < v.length; i++) {
    if (nulls[i] === 1) continue;
    const r = f(a.v[i]!, b.v[i]!);
    if (Number.isFinite(r)) v[i] = r;
    else nulls[i] = 1;
  }
  return { t: "num", v, nulls, nullable: a.nullable || b.nullable };
}

/** Nearest integer, halves away from zero (2.5 → 3, −2.5 → −3). */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function clip(args: Vec[], n: number): NumVec {
  const x = asNum(arg(args, 0, "clip"), n, "clip()");
  const lo = asNum(arg(args, 1, "clip"), n, "clip()");
  const hi = asNum(arg(args, 2, "clip"), n, "clip()");
  return zipNum(zipNum(x, lo, Math.max), hi, Math.min);
}

function extreme(args: Vec[], n: number, fn: string, f: (a: number, b: number) => number): NumVec {
  if (args.length === 0) throw new Error(`${fn}() needs arguments`);
  return args.map((a) => asNum(a, n, `${fn}()`)).reduce((acc, next) => zipNum(acc, next, f));
}

function isNull(x: Vec, n: number): BoolVec {
  const v = new Uint8Array(n);
  if (x.t === "null") v.fill(1);
  else if (x.t !== "matrix") v.set(x.nulls);
  return { t: "bool", v, nulls: new Uint8Array(n), nullable: false };
}

function mapStr(x: StrVec, f: (s: string) => string): StrVec {
  return { t: "str", codes: x.codes, dict: x.dict.map(f), nulls: x.nulls, nullable: x.nullable };
}

function strToNum(x: StrVec, f: (s: string) => number): NumVec {
  const perCode = x.dict.map(f);
  const v = new Float64Array(x.codes.length);
  for (let i = 0; i < v.length; i++) if (x.nulls[i] === 0) v[i] = perCode[x.codes[i]!]!;
  return { t: "num", v, nulls: x.nulls, nullable: x.nullable };
}

function contains(args: Vec[], n: number): BoolVec {
  const s = asStr(arg(args, 0, "contains"), n, "contains()");
  const sub = asStr(arg(args, 1, "contains"), n, "contains()");
  const v = new Uint8Array(n);
  const nulls = orNulls(s.nulls, sub.nulls);
  for (let i = 0; i < n; i++) if (nulls[i] === 0) v[i] = s.dict[s.codes[i]!]!.includes(sub.dict[sub.codes[i]!]!) ? 1 : 0;
  return { t: "bool", v, nulls, nullable: s.nullable || sub.nullable };
}

function toMs(x: Vec, n: number, fn: string): NumVec {
  const num = asNum(x, n, `${fn}()`);
  if (num.unit === "days") return { ...mapNum(num, (d) => d * MS_PER_DAY), unit: "ms" };
  if (num.unit !== "ms") throw new Error(`${fn}() needs a timestamp or a date, got ${describeVec(x)}`);
  return num;
}

function timePart(x: Vec, n: number, fn: string, part: (d: Date) => number): NumVec {
  const date = new Date(0);
  return mapNum(toMs(x, n, fn), (ms) => {
    date.setTime(ms);
    return part(date);
  });
}

function daysBetween(args: Vec[], n: number): NumVec {
  const a = toMs(arg(args, 0, "days_between"), n, "days_between");
  const b = toMs(arg(args, 1, "days_between"), n, "days_between");
  return zipNum(a, b, (x, y) => Math.trunc((y - x) / MS_PER_DAY));
}

function ifThenElse(args: Vec[], n: number): Vec {
  const cond = asBool(arg(args, 0, "if"), n, "if()");
  const branches = [arg(args, 1, "if"), arg(args, 2, "if")];
  const nullable = cond.nullable || branches.some((b) => b.t === "null" || (b.t !== "matrix" && b.nullable));
  return select(n, branches, (i) => (cond.nulls[i] === 1 ? -1 : cond.v[i] === 1 ? 0 : 1), nullable);
}

function coalesce(args: Vec[], n: number): Vec {
  if (args.length === 0) throw new Error("coalesce() needs arguments");
  const nullable = args.every((a) => a.t === "null" || (a.t !== "matrix" && a.nullable));
  return select(n, args, (i) => args.findIndex((a) => a.t !== "null" && a.t !== "matrix" && a.nulls[i] === 0), nullable);
}

/** Row i takes the value of `choices[pick(i)]` (−1 = null). Choices of one kind (null literals aside); `nullable` is the result's static nullability. */
function select(n: number, choices: Vec[], pick: (i: number) => number, nullable: boolean): Vec {
  const kinds = new Set(
    choices.filter((c) => c.t !== "null").map((c) => (c.t === "bool" ? "bool" : c.t === "str" ? "str" : c.t === "num" ? "num" : "matrix")),
  );
  if (kinds.has("matrix")) throw new Error("if()/coalesce() cannot choose between vectors");
  if (kinds.size > 1) throw new Error(`if()/coalesce() arguments must have one type, got ${[...kinds].join(" and ")}`);
  const kind = [...kinds][0] ?? "num";
  const nulls = new Uint8Array(n);
  if (kind === "str") {
    const strs = choices.map((c) => asStr(c, n, "if()"));
    const dict: string[] = [];
    const index = new Map<string, number>();
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = pick(i);
      const s = k < 0 ? null : strAt(strs[k]!, i);
      if (s === null) {
        nulls[i] = 1;
        continue;
      }
      let code = index.get(s);
      if (code === undefined) index.set(s, (code = dict.push(s) - 1));
      codes[i] = code;
    }
    return { t: "str", codes, dict, nulls, nullable, ...sharedEnum(strs) };
  }
  const nums = choices.map((c) => asNum(c, n, "if()"));
  const unit = nums.find((c) => c.unit)?.unit;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = pick(i);
    if (k < 0 || nums[k]!.nulls[i] === 1) nulls[i] = 1;
    else v[i] = nums[k]!.v[i]!;
  }
  if (kind === "bool") return { t: "bool", v: Uint8Array.from(v), nulls, nullable };
  return { t: "num", v, nulls, nullable, ...(unit ? { unit } : {}) };
}

/** An enum stays an enum through coalesce/if when every other choice is a value of it (`coalesce(kind, "other")`). */
function sharedEnum(choices: StrVec[]): { enumValues?: string[] } {
  const values = choices.find((c) => c.enumValues)?.enumValues;
  if (!values) return {};
  const member = new Set(values);
  return choices.every((c) => c.enumValues === values || c.dict.every((v) => member.has(v))) ? { enumValues: values } : {};
}

export function applyBinary(operator: PlanBinaryOperator, left: Vec, right: Vec, n: number): Vec {
  switch (operator) {
    case "and":
    case "or":
      return logic(operator, asBool(left, n, operator), asBool(right, n, operator));
    case "+":
      return zipNum(asNum(left, n, "+"), asNum(right, n, "+"), (a, b) => a + b);
    case "-":
      return zipNum(asNum(left, n, "-"), asNum(right, n, "-"), (a, b) => a - b);
    case "*":
      return zipNum(asNum(left, n, "*"), asNum(right, n, "*"), (a, b) => a * b);
    case "/":
      return zipNum(asNum(left, n, "/"), asNum(right, n, "/"), (a, b) => a / b);
    default:
      return compare(operator, left, right, n);
  }
}

function logic(operator: "and" | "or", a: BoolVec, b: BoolVec): BoolVec {
  const n = a.v.length;
  const v = new Uint8Array(n);
  const nulls = new Uint8Array(n);
  const dominant = operator === "and" ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const x = a.nulls[i] === 1 ? -1 : a.v[i]!;
    const y = b.nulls[i] === 1 ? -1 : b.v[i]!;
    if (x === dominant || y === dominant) v[i] = dominant;
    else if (x === -1 || y === -1) nulls[i] = 1;
    else v[i] = 1 - dominant;
  }
  return { t: "bool", v, nulls, nullable: a.nullable || b.nullable };
}

function compare(operator: "==" | "!=" | "<" | "<=" | ">" | ">=", left: Vec, right: Vec, n: number): BoolVec {
  const test = comparator(operator);
  const v = new Uint8Array(n);
  if (left.t === "str" || right.t === "str") {
    const a = asStr(left, n, operator);
    const b = asStr(right, n, operator);
    const nulls = orNulls(a.nulls, b.nulls);
    for (let i = 0; i < n; i++) {
      if (nulls[i] === 1) continue;
      const x = a.dict[a.codes[i]!]!;
      const y = b.dict[b.codes[i]!]!;
      v[i] = test(compareCodePoints(x, y)) ? 1 : 0;
    }
    return { t: "bool", v, nulls, nullable: a.nullable || b.nullable };
  }
  const a = asNum(left, n, operator);
  const b = asNum(right, n, operator);
  const nulls = orNulls(a.nulls, b.nulls);
  for (let i = 0; i < n; i++) if (nulls[i] === 0) v[i] = test(a.v[i]! - b.v[i]!) ? 1 : 0;
  return { t: "bool", v, nulls, nullable: a.nullable || b.nullable };
}

function comparator(operator: string): (d: number) => boolean {
  switch (operator) {
    case "==":
      return (d) => d === 0;
    case "!=":
      return (d) => d !== 0;
    case "<":
      return (d) => d < 0;
    case "<=":
      return (d) => d <= 0;
    case ">":
      return (d) => d > 0;
    case ">=":
      return (d) => d >= 0;
    default:
      throw new Error(`unknown operator ${operator}`);
  }
}

export function applyUnary(operator: "-" | "not", operand: Vec, n: number): Vec {
  if (operator === "-") return mapNum(asNum(operand, n, "-"), (x) => -x);
  const b = asBool(operand, n, "not");
  const v = new Uint8Array(n);
  for (let i = 0; i < n; i++) v[i] = b.nulls[i] === 1 ? 0 : 1 - b.v[i]!;
  return { t: "bool", v, nulls: b.nulls, nullable: b.nullable };
}
