/** Helpers the plan diff's sections share: key unions, semantic equality, thresholds of expressions. */
import { canonicalJson } from "../util/canonical-json.js";
import { foldPlanExpr } from "./expr.js";
import type { Comparison, PlanExpr } from "./types.js";

export function keysOf(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

export function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

interface Folded {
  value: number | undefined;
  isRef: boolean;
  /** The name of a `ref` node. */
  ref?: string;
  /** A comparison of a ref with a constant (`drift_share >= 0.3`). */
  comparison?: { subject: string; operator: Comparison; value: number };
}

const UNKNOWN: Folded = { value: undefined, isRef: false };
const COMPARISONS = new Set<string>(["<", "<=", ">", ">=", "==", "!="]);

function fold(expr: PlanExpr): Folded {
  return foldPlanExpr<Folded>(expr, (node, [a, b]) => {
    if (node.op === "lit") return typeof node.value === "number" ? { value: node.value, isRef: false } : UNKNOWN;
    if (node.op === "ref") return { value: undefined, isRef: true, ref: node.by ? `${node.name}(by=${node.by})` : node.name };
    if (node.op === "unary" && node.operator === "-") return a!.value === undefined ? UNKNOWN : { value: -a!.value, isRef: false };
    if (node.op === "binary" && (node.operator === "+" || node.operator === "-")) {
      const left = a!.isRef ? 0 : a!.value;
      const right = b!.value;
      if (left === undefined || right === undefined) return UNKNOWN;
      return { value: node.operator === "+" ? left + right : left - right, isRef: false };
    }
    if (node.op === "binary" && COMPARISONS.has(node.operator) && a!.ref !== undefined && b!.value !== undefined) {
      return { ...UNKNOWN, comparison: { subject: a!.ref, operator: node.operator as Comparison, value: b!.value } };
    }
    return UNKNOWN;
  });
}

/**
 * A threshold's constant value. In `champion.auc - 0.01` the margin is what moves (the
 * champion's value stands for 0): a larger subtracted margin is a lower bar.
 */
export function constant(expr: PlanExpr): number | undefined {
  return fold(expr).value;
}

/** `SUBJECT op CONSTANT` when the whole expression is one such comparison (a monitor policy's condition). */
export function comparisonOf(expr: PlanExpr): Folded["comparison"] {
  return fold(expr).comparison;
}

/** Whether raising the constant of `subject op t` makes the comparison true for fewer values (`>=`, `>`). */
export function raisingNarrows(operator: Comparison): boolean | undefined {
  if (operator === ">=" || operator === ">") return true;
  if (operator === "<=" || operator === "<") return false;
  return undefined;
}
