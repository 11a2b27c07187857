/**
 * The one walk over plan expressions for the graph: a feature expression becomes ONNX nodes,
 * bottom-up over the flat node list (`evaluatePlanExpr`, no recursion). Every other module
 * works on the lowered values (`graph-values.ts`).
 */
import type { FittedState } from "../features/stateful.js";
import { STATEFUL_FUNCTIONS } from "../features/stateful.js";
import type { PlanExpr } from "../plan.js";
import { evaluatePlanExpr, type CallNode } from "../plan-expr.js";
import type { GraphValue } from "./graph-values.js";
import { lowerBinary, lowerFunction, lowerUnary } from "./lower-functions.js";
import { lowerState } from "./lower-stateful.js";
import type { OnnxBuilder } from "./onnx-builder.js";

export interface LowerScope {
  b: OnnxBuilder;
  column(name: string): GraphValue;
  feature(name: string): GraphValue;
  states: Readonly<Record<string, FittedState>>;
}

/** Lowers a feature's expression; `scalar` says the feature is declared scalar (bucket index, not a vector). */
export function lowerFeatureExpr(expr: PlanExpr, scope: LowerScope, scalar: boolean): GraphValue {
  const { b } = scope;
  const root = expr.nodes[expr.nodes.length - 1];
  return evaluatePlanExpr<GraphValue>(expr, {
    lit: (node) => literal(b, node.value),
    ref: (node) => {
      if (node.scope === "column") return scope.column(node.name);
      if (node.scope === "feature") return scope.feature(node.name);
      throw new Error(`a ${node.scope} reference (${node.name}) cannot appear in a feature`);
    },
    unary: (node, operand) => lowerUnary(b, node.operator, operand),
    binary: (node, left, right) => lowerBinary(b, node.operator, left, right),
    call: (node, args) =>
      STATEFUL_FUNCTIONS.has(node.fn) ? stateful(node, args[0], scope, scalar && node === root) : lowerFunction(b, node.fn, args),
    evaluatedArgs: (node) => (STATEFUL_FUNCTIONS.has(node.fn) ? 1 : node.args.length),
  });
}

/** A stateful call applies its fitted state to its first argument (the others were read when fitting). */
function stateful(call: CallNode, input: GraphValue | undefined, scope: LowerScope, scalar: boolean): GraphValue {
  const key = call.state;
  if (!key) throw new Error(`${call.fn}() has no state key in the plan`);
  const state = scope.states[key];
  if (!state) throw new Error(`no fitted state "${key}" for ${call.fn}() (fit the features on the training split first)`);
  if (state.kind !== call.fn) throw new Error(`fitted state "${key}" is a ${state.kind}, not a ${call.fn}`);
  return lowerState(scope.b, state, input ?? { t: "null" }, scalar);
}

function literal(b: OnnxBuilder, value: number | string | boolean | null): GraphValue {
  if (value === null) return { t: "null" };
  if (typeof value === "number") return { t: "num", name: b.double(value), constant: true, mayBeNull: false, literal: value };
  if (typeof value === "boolean") return { t: "bool", name: b.double(value ? 1 : 0), constant: true, mayBeNull: false, literal: value };
  return { t: "str", name: b.string(value), constant: true, mayBeNull: false, literal: value };
}
