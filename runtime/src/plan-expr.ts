/**
 * How the runtime reads plan expressions (features, expectations, gate thresholds,
 * monitor conditions): one bottom-up evaluation over the flat node list, never a
 * recursion, so an expression of any length costs stack proportional to nothing and
 * time proportional to its nodes. Built on the compiler's `foldPlanExpr`.
 */
import type { PlanExpr, PlanExprNode } from "@mlops/compiler";
import { foldPlanExpr, planExprChildren, planExprRefs } from "@mlops/compiler/core";

export type LitNode = Extract<PlanExprNode, { op: "lit" }>;
export type RefNode = Extract<PlanExprNode, { op: "ref" }>;
export type CallNode = Extract<PlanExprNode, { op: "call" }>;
export type BinaryNode = Extract<PlanExprNode, { op: "binary" }>;
export type UnaryNode = Extract<PlanExprNode, { op: "unary" }>;

/** What each kind of node evaluates to, given its operands' values. */
export interface PlanExprEvaluator<T> {
  lit(node: LitNode): T;
  ref(node: RefNode): T;
  /** `args` holds the values of the first `evaluatedArgs(node)` arguments; read the others with `argNode`. */
  call(node: CallNode, args: T[]): T;
  binary(node: BinaryNode, left: T, right: T): T;
  unary(node: UnaryNode, operand: T): T;
  /** How many leading arguments of a call are evaluated (default: all). */
  evaluatedArgs?(node: CallNode): number;
}

export function evaluatePlanExpr<T>(expr: PlanExpr, evaluator: PlanExprEvaluator<T>): T {
  const operands = evaluator.evaluatedArgs
    ? (node: PlanExprNode): readonly number[] =>
        node.op === "call" ? node.args.slice(0, evaluator.evaluatedArgs!(node)) : planExprChildren(node)
    : planExprChildren;
  return foldPlanExpr<T>(
    expr,
    (node, values) => {
      switch (node.op) {
        case "lit":
          return evaluator.lit(node);
        case "ref":
          return evaluator.ref(node);
        case "call":
          return evaluator.call(node, values);
        case "binary":
          return evaluator.binary(node, values[0]!, values[1]!);
        case "unary":
          return evaluator.unary(node, values[0]!);
      }
    },
    { operands },
  );
}

/** The node of a call's `k`-th argument (for arguments read as written: edges, strategies, counts). */
export function argNode(expr: PlanExpr, call: CallNode, k: number): PlanExprNode | undefined {
  const index = call.args[k];
  return index === undefined ? undefined : expr.nodes[index];
}

/** A number literal, possibly negated (`-1`); undefined for anything else. */
export function numberLiteral(expr: PlanExpr, node: PlanExprNode | undefined): number | undefined {
  let sign = 1;
  let current = node;
  while (current?.op === "unary" && current.operator === "-") {
    sign = -sign;
    current = expr.nodes[current.operand];
  }
  return current?.op === "lit" && typeof current.value === "number" ? sign * current.value : undefined;
}

/** The names an expression reads in one scope (`column`, `feature`, ...), each once. */
export const exprRefs: (expr: PlanExpr, scope: RefNode["scope"]) => string[] = planExprRefs;
