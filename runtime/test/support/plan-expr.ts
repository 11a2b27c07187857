/** Plan expressions written like trees in tests, built flat (as the compiler emits them). */
import { PlanExprBuilder, type PlanBinaryOperator, type PlanExpr, type PlanExprNode } from "@mlops/compiler";

type RefScope = Extract<PlanExprNode, { op: "ref" }>["scope"];

function compose(parts: PlanExpr[], node: (b: PlanExprBuilder, children: number[]) => number): PlanExpr {
  const b = new PlanExprBuilder();
  const children = parts.map((part) => b.append(part));
  node(b, children);
  return b.build();
}

export const ref = (scope: RefScope, name: string, by?: string): PlanExpr => compose([], (b) => b.ref(scope, name, by));
export const col = (name: string): PlanExpr => ref("column", name);
export const feat = (name: string): PlanExpr => ref("feature", name);
export const lit = (value: number | string | boolean | null): PlanExpr => compose([], (b) => b.lit(value));
export const call = (fn: string, ...args: PlanExpr[]): PlanExpr => compose(args, (b, c) => b.call(fn, c));
export const list = (...items: PlanExpr[]): PlanExpr => call("list", ...items);
export const stateful = (state: string, fn: string, ...args: PlanExpr[]): PlanExpr => compose(args, (b, c) => b.call(fn, c, state));
export const bin = (operator: PlanBinaryOperator, left: PlanExpr, right: PlanExpr): PlanExpr =>
  compose([left, right], (b, [l, r]) => b.binary(operator, l!, r!));
export const un = (operator: "-" | "not", operand: PlanExpr): PlanExpr => compose([operand], (b, [x]) => b.unary(operator, x!));
