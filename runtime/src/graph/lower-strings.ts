/**
 * String functions in the graph. ONNX (opset 17, the newest `onnx.checker` here knows) has no
 * string length, substring search or string comparison, so:
 * - `lower`/`upper`: `StringNormalizer` with the `C.UTF-8` locale (per-character Unicode case
 *   mapping; present on every glibc system, unlike the default `en_US.UTF-8`);
 * - `len`: onnxruntime's contrib `Tokenizer` splits into code points (RE2 `(?s).`), and the
 *   tokens are counted;
 * - `contains(s, "part")`: `Tokenizer` with the escaped literal as its token expression; the part
 *   must be a literal (the token expression is an attribute);
 * - `==`/`!=` with a literal: `LabelEncoder`; any other comparison: both sides go through one
 *   sorted `Unique`, whose inverse indices order the strings by code point.
 */
import { attr, DOMAIN_ML, DOMAIN_MS, type OnnxBuilder } from "./onnx-builder.js";
import {
  bool,
  compareNumbers,
  nullMask,
  nullWhere,
  stringEquals,
  toDouble,
  type BoolValue,
  type ComparisonOperator,
  type NumValue,
  type StrValue,
} from "./graph-values.js";

export const CASE_LOCALE = "C.UTF-8";

export function lowerCase(b: OnnxBuilder, s: StrValue, fn: "lower" | "upper"): StrValue {
  const name = b.op("StringNormalizer", [s.name], {
    hint: fn,
    attributes: [
      attr.string("case_change_action", fn === "lower" ? "LOWER" : "UPPER"),
      attr.int("is_case_sensitive", 1),
      attr.string("locale", CASE_LOCALE),
    ],
  });
  return { t: "str", name, constant: s.constant, mayBeNull: s.mayBeNull };
}

export function lowerLength(b: OnnxBuilder, s: StrValue): NumValue {
  const count = toDouble(b, countTokens(b, s.name, "(?s)."));
  return { t: "num", name: nullWhere(b, nullMask(b, s), count), constant: s.constant, mayBeNull: s.mayBeNull };
}

export function lowerContains(b: OnnxBuilder, s: StrValue, part: StrValue): BoolValue {
  if (part.literal === undefined) {
    throw new Error("contains(s, part): part must be a string literal (the graph searches for a fixed text)");
  }
  const found =
    part.literal === "" ? b.double(1) : toDouble(b, b.op("Greater", [countTokens(b, s.name, escapeRegex(part.literal)), b.int64(0)]));
  return bool(nullWhere(b, nullMask(b, s), found), [s], s.mayBeNull);
}

/** Matches of `pattern` per string (int64 `[N]`). */
function countTokens(b: OnnxBuilder, strings: string, pattern: string): string {
  const tokens = b.op("Tokenizer", [strings], {
    domain: DOMAIN_MS,
    hint: "tokens",
    attributes: [attr.string("tokenexp", pattern), attr.int("mark", 0), attr.string("pad_value", ""), attr.int("mincharnum", 1)],
    declare: { type: "string", rank: 2 },
  });
  const present = b.op("LabelEncoder", [tokens], {
    domain: DOMAIN_ML,
    attributes: [attr.strings("keys_strings", [""]), attr.ints("values_int64s", [0]), attr.int("default_int64", 1)],
  });
  return b.op("ReduceSum", [present, b.constant("int64", [1])], { attributes: [attr.int("keepdims", 0)], hint: "count" });
}

/** The text as an RE2 pattern that matches it literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

export function compareStrings(b: OnnxBuilder, operator: ComparisonOperator, a: StrValue, c: StrValue): BoolValue {
  if (operator === "==" || operator === "!=") {
    const [other, literal] = c.literal !== undefined ? [a, c.literal] : a.literal !== undefined ? [c, a.literal] : [undefined, undefined];
    if (other && literal !== undefined) {
      const equal = stringEquals(b, other.name, literal);
      const test = operator === "==" ? equal : b.op("Not", [equal]);
      return bool(nullWhere(b, nullMask(b, other), toDouble(b, test)), [other], other.mayBeNull);
    }
  }
  const [codesA, codesC] = orderCodes(b, a.name, c.name);
  return compareNumbers(b, operator, codesA, codesC, [a, c]);
}

/** Integer codes with the strings' code-point order, for both operands (one sorted Unique over both). */
function orderCodes(b: OnnxBuilder, a: string, c: string): [string, string] {
  const both = b.op("Concat", [a, c], { attributes: [attr.int("axis", 0)] });
  const inverse = b.opMulti("Unique", [both], 4, { attributes: [attr.int("sorted", 1)], hint: "unique" })[2]!;
  const rows = b.op("Shape", [a]);
  const codesA = b.op("Slice", [inverse, b.constant("int64", [0]), rows], { hint: "codes" });
  const codesC = b.op("Slice", [inverse, rows, b.constant("int64", [Number.MAX_SAFE_INTEGER])], { hint: "codes" });
  return [codesA, codesC];
}
