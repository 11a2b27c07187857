/**
 * The stateless feature functions and operators, as ONNX operators over float64 (see
 * `graph-values.ts` for how values and nulls are held). Semantics are the JavaScript evaluator's
 * (`features/functions.ts`): a null argument gives null (except coalesce, is_null, if's branches
 * and three-valued and/or), a result outside a function's domain is null, `round` keeps halves
 * away from zero.
 */
import type { PlanBinaryOperator } from "../plan.js";
import { lowerTimePart, lowerDaysBetween } from "./lower-calendar.js";
import { compareStrings, lowerContains, lowerLength, lowerCase } from "./lower-strings.js";
import type { OnnxBuilder } from "./onnx-builder.js";
import {
  allConstant,
  anyNull,
  asBool,
  asNum,
  asStr,
  bool,
  compareNumbers,
  finiteOrNull,
  mayBeNull,
  nullMask,
  nullWhere,
  num,
  toDouble,
  type BoolValue,
  type GraphValue,
  type NumValue,
  type StrValue,
} from "./graph-values.js";
import { STRING_NULL_MARKER } from "./graph-contract.js";

export function lowerFunction(b: OnnxBuilder, fn: string, args: GraphValue[]): GraphValue {
  const what = `${fn}()`;
  const first = (): GraphValue => arg(args, 0, fn);
  switch (fn) {
    case "log":
      return mapNum(b, asNum(b, first(), what), (x) => finiteOrNull(b, b.op("Log", [x])));
    case "log1p":
      return mapNum(b, asNum(b, first(), what), (x) => finiteOrNull(b, log1p(b, x)));
    case "exp":
      return mapNum(b, asNum(b, first(), what), (x) => finiteOrNull(b, b.op("Exp", [x])));
    case "sqrt":
      return mapNum(b, asNum(b, first(), what), (x) => b.op("Sqrt", [x]));
    case "abs":
      return mapNum(b, asNum(b, first(), what), (x) => b.op("Abs", [x]));
    case "round":
      return mapNum(b, asNum(b, first(), what), (x) => roundHalfAway(b, x));
    case "clip": {
      const [x, lo, hi] = [0, 1, 2].map((k) => asNum(b, arg(args, k, fn), what)) as [NumValue, NumValue, NumValue];
      return extreme(b, [extreme(b, [x, lo], "Max"), hi], "Min");
    }
    case "min":
    case "max":
      if (args.length === 0) throw new Error(`${fn}() needs arguments`);
      return extreme(
        b,
        args.map((a) => asNum(b, a, what)),
        fn === "min" ? "Min" : "Max",
      );
    case "coalesce":
      return coalesce(b, args);
    case "is_null": {
      const mask = nullMask(b, first());
      return bool(mask === undefined ? b.double(0) : toDouble(b, mask), mask === undefined ? [] : [first()], false);
    }
    case "if":
      return ifThenElse(b, args);
    case "lower":
    case "upper":
      return lowerCase(b, asStr(b, first(), what), fn);
    case "len":
      return lowerLength(b, asStr(b, first(), what));
    case "contains":
      return lowerContains(b, asStr(b, first(), what), asStr(b, arg(args, 1, fn), what));
    case "hour":
    case "day_of_week":
    case "month":
      return lowerTimePart(b, first(), fn);
    case "days_between":
      return lowerDaysBetween(b, first(), arg(args, 1, fn));
    case "list":
      throw new Error("a list [..] is only allowed as the edges of bucketize(x, [edges])");
    default:
      throw new Error(`unknown function ${fn}()`);
  }
}

export function lowerUnary(b: OnnxBuilder, operator: "-" | "not", operand: GraphValue): GraphValue {
  if (operator === "-") return mapNum(b, asNum(b, operand, "-"), (x) => b.op("Neg", [x]));
  const x = asBool(b, operand, "not");
  return bool(b.op("Sub", [b.double(1), x.name], { hint: "not" }), [x], x.mayBeNull);
}

export function lowerBinary(b: OnnxBuilder, operator: PlanBinaryOperator, left: GraphValue, right: GraphValue): GraphValue {
  switch (operator) {
    case "and":
    case "or":
      return logic(b, operator, asBool(b, left, operator), asBool(b, right, operator));
    case "+":
    case "-":
    case "*":
    case "/": {
      const a = asNum(b, left, operator);
      const c = asNum(b, right, operator);
      const opType = { "+": "Add", "-": "Sub", "*": "Mul", "/": "Div" }[operator];
      return num(finiteOrNull(b, b.op(opType, [a.name, c.name])), [a, c]);
    }
    default:
      return compare(b, operator, left, right);
  }
}

function arg(args: GraphValue[], k: number, fn: string): GraphValue {
  const a = args[k];
  if (!a) throw new Error(`${fn}() needs at least ${k + 1} argument${k === 0 ? "" : "s"}`);
  return a;
}

/** f over the non-null values: NaN in, NaN out, so only f's own domain needs handling. */
function mapNum(_b: OnnxBuilder, x: NumValue, f: (name: string) => string): NumValue {
  return num(f(x.name), [x], { mayBeNull: true });
}

/** log(1 + x) to a few ulp for small x (Kahan): log(u) · x / (u − 1) with u = 1 + x, and x when u = 1. */
function log1p(b: OnnxBuilder, x: string): string {
  const u = b.op("Add", [b.double(1), x], { hint: "log1p_u" });
  const ratio = b.op("Div", [x, b.op("Sub", [u, b.double(1)])]);
  const general = b.op("Mul", [b.op("Log", [u]), ratio]);
  return b.op("Where", [b.op("Equal", [u, b.double(1)]), x, general], { hint: "log1p" });
}

/** sign(x) · (floor(|x|) + [|x| − floor(|x|) ≥ ½]): exact, where Round would round halves to even. */
function roundHalfAway(b: OnnxBuilder, x: string): string {
  const magnitude = b.op("Abs", [x]);
  const whole = b.op("Floor", [magnitude]);
  const fraction = b.op("Sub", [magnitude, whole]);
  const up = toDouble(b, b.op("GreaterOrEqual", [fraction, b.double(0.5)]));
  return b.op("Mul", [b.op("Sign", [x]), b.op("Add", [whole, up])], { hint: "round" });
}

/** Min/Max over the arguments; null when any is null (ONNX leaves NaN handling to the implementation). */
function extreme(b: OnnxBuilder, args: NumValue[], opType: "Min" | "Max"): NumValue {
  const result =
    args.length === 1
      ? args[0]!.name
      : b.op(
          opType,
          args.map((a) => a.name),
        );
  const mask = anyNull(
    b,
    args.map((a) => nullMask(b, a)),
  );
  return num(nullWhere(b, mask, result), args, { mayBeNull: mask !== undefined });
}

/** Kleene logic: false and null = false, true or null = true. */
function logic(b: OnnxBuilder, operator: "and" | "or", x: BoolValue, y: BoolValue): BoolValue {
  const dominant = b.double(operator === "and" ? 0 : 1);
  const decided = b.op("Or", [b.op("Equal", [x.name, dominant]), b.op("Equal", [y.name, dominant])]);
  const otherwise = nullWhere(b, anyNull(b, [nullMask(b, x), nullMask(b, y)]), b.double(operator === "and" ? 1 : 0));
  return bool(b.op("Where", [decided, dominant, otherwise], { hint: operator }), [x, y], x.mayBeNull || y.mayBeNull);
}

function compare(b: OnnxBuilder, operator: "==" | "!=" | "<" | "<=" | ">" | ">=", left: GraphValue, right: GraphValue): BoolValue {
  if (left.t === "str" || right.t === "str") return compareStrings(b, operator, asStr(b, left, operator), asStr(b, right, operator));
  const a = asNum(b, left, operator);
  const c = asNum(b, right, operator);
  return compareNumbers(b, operator, a.name, c.name, [a, c]);
}

/** `if(c, a, b)`: a where c is true, b where false, null where c is null. */
function ifThenElse(b: OnnxBuilder, args: GraphValue[]): GraphValue {
  const cond = asBool(b, arg(args, 0, "if"), "if()");
  const branches = [arg(args, 1, "if"), arg(args, 2, "if")];
  const isTrue = b.op("Equal", [cond.name, b.double(1)]);
  return select(
    b,
    branches,
    (values) => {
      const chosen = b.op("Where", [isTrue, values[0]!, values[1]!], { hint: "if" });
      const mask = nullMask(b, cond);
      return mask === undefined ? chosen : b.op("Where", [mask, values.nullValue, chosen]);
    },
    [cond],
  );
}

/** The first non-null argument. */
function coalesce(b: OnnxBuilder, args: GraphValue[]): GraphValue {
  if (args.length === 0) throw new Error("coalesce() needs arguments");
  const result = select(
    b,
    args,
    (values) => {
      let chosen = values[values.length - 1]!;
      for (let k = args.length - 2; k >= 0; k--) {
        const a = args[k]!;
        if (a.t === "null") continue;
        const mask = nullMask(b, a);
        chosen = mask === undefined ? values[k]! : b.op("Where", [mask, chosen, values[k]!], { hint: "coalesce" });
      }
      return chosen;
    },
    [],
  );
  if (result.t === "matrix" || result.t === "null") return result;
  return { ...result, mayBeNull: args.every(mayBeNull) };
}

type Choices = string[] & { nullValue: string };

/** Choices of one kind (null literals aside) combined by `pick` (given the names as that kind). */
function select(b: OnnxBuilder, choices: GraphValue[], pick: (values: Choices) => string, extra: GraphValue[]): GraphValue {
  const kinds = new Set(choices.filter((c) => c.t !== "null").map((c) => c.t));
  if (kinds.has("matrix")) throw new Error("if()/coalesce() cannot choose between vectors");
  if (kinds.size > 1) throw new Error(`if()/coalesce() arguments must have one type, got ${[...kinds].join(" and ")}`);
  const kind = [...kinds][0] ?? "num";
  const parts = [...choices, ...extra];
  if (kind === "str") {
    const strs = choices.map((c) => asStr(b, c, "if()"));
    const values = Object.assign(
      strs.map((s) => s.name),
      { nullValue: b.string(STRING_NULL_MARKER) },
    );
    const value: StrValue = { t: "str", name: pick(values), constant: allConstant(parts), mayBeNull: true };
    return value;
  }
  const nums = choices.map((c) => asNum(b, c, "if()"));
  const values = Object.assign(
    nums.map((n) => n.name),
    { nullValue: b.double(Number.NaN) },
  );
  const name = pick(values);
  if (kind === "bool") return bool(name, parts, true);
  const unit = nums.find((c) => c.unit)?.unit;
  return num(name, parts, unit ? { unit } : {});
}
