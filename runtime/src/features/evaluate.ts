import { getColumn, type Dataset } from "../data/dataset.js";
import type { FeatureSetSpec, FeatureSpec, PlanExpr } from "../plan.js";
import { evaluatePlanExpr, exprRefs, type CallNode } from "../plan-expr.js";
import { applyBinary, applyFunction, applyUnary } from "./functions.js";
import { STATEFUL_FUNCTIONS, applyState, fitState, type FittedState } from "./stateful.js";
import { columnVec, literalVec, type Vec } from "./vectors.js";

/** A feature expression that failed, with the feature's name for the message. */
export class FeatureError extends Error {
  override readonly name = "FeatureError";
  constructor(
    message: string,
    readonly feature: string,
    /** 1-based source row, when the problem is in one row. */
    readonly row?: number,
  ) {
    super(message);
  }
}

/**
 * Evaluates features over a dataset. With `fit: true`, a stateful call whose state is not yet in
 * `states` is fitted on the values it sees (the training split) and added; otherwise a missing
 * state is an error. Fitting and applying share this one code path.
 */
export function evaluateFeatures(
  features: readonly FeatureSpec[],
  dataset: Dataset,
  states: Record<string, FittedState>,
  options: { fit: boolean },
): Map<string, Vec> {
  const values = new Map<string, Vec>();
  for (const feature of features) {
    const scalar = feature.type.kind !== "vector";
    try {
      values.set(
        feature.name,
        evaluate(feature.expr, { dataset, values, states, fit: options.fit, feature: feature.name, topLevelScalar: scalar }),
      );
    } catch (error) {
      if (error instanceof FeatureError) throw error;
      throw new FeatureError(`feature ${feature.name}: ${(error as Error).message}`, feature.name);
    }
  }
  return values;
}

interface Scope {
  dataset: Dataset;
  values: Map<string, Vec>;
  states: Record<string, FittedState>;
  fit: boolean;
  feature: string;
  topLevelScalar: boolean;
}

function evaluate(expr: PlanExpr, scope: Scope): Vec {
  const n = scope.dataset.rowCount;
  const root = expr.nodes[expr.nodes.length - 1];
  return evaluatePlanExpr<Vec>(expr, {
    lit: (node) => literalVec(node.value, n),
    ref: (node) => reference(node.scope, node.name, scope),
    unary: (node, operand) => applyUnary(node.operator, operand, n),
    binary: (node, left, right) => applyBinary(node.operator, left, right, n),
    call: (node, args) =>
      STATEFUL_FUNCTIONS.has(node.fn) ? stateful(expr, node, args[0], scope, node === root) : applyFunction(node.fn, args, n),
    evaluatedArgs: (node) => (STATEFUL_FUNCTIONS.has(node.fn) ? 1 : node.args.length),
  });
}

function reference(kind: string, name: string, scope: Scope): Vec {
  if (kind === "column") return columnVec(getColumn(scope.dataset, name));
  if (kind === "feature") {
    const value = scope.values.get(name);
    if (!value) throw new Error(`feature ${name} is used before it is computed (features must be in topological order)`);
    return value;
  }
  throw new Error(`a ${kind} reference (${name}) cannot appear in a feature`);
}

/** A stateful call: its first argument is the input; the others are read as written (edges, strategy, n). */
function stateful(expr: PlanExpr, call: CallNode, input: Vec | undefined, scope: Scope, topLevel: boolean): Vec {
  const n = scope.dataset.rowCount;
  const key = call.state;
  if (!key) throw new Error(`${call.fn}() has no state key in the plan`);
  const value = input ?? literalVec(null, n);
  let state = scope.states[key];
  if (!state) {
    if (!scope.fit) throw new Error(`no fitted state "${key}" for ${call.fn}() (fit the features on the training split first)`);
    state = fitState(expr, call, value, n);
    scope.states[key] = state;
  } else if (state.kind !== call.fn) {
    throw new Error(`fitted state "${key}" is a ${state.kind}, not a ${call.fn}`);
  }
  return applyState(state, value, n, scope.feature, topLevel && scope.topLevelScalar);
}

/** The features `roots` need, with everything they use, in the set's (topological) order. */
export function neededFeatures(featureSet: FeatureSetSpec, roots: readonly string[]): FeatureSpec[] {
  const byName = new Map(featureSet.features.map((f) => [f.name, f]));
  const needed = new Set<string>();
  const visit = (name: string): void => {
    if (needed.has(name)) return;
    const feature = byName.get(name);
    if (!feature) throw new FeatureError(`feature set ${featureSet.name} has no feature ${name}`, name);
    needed.add(name);
    for (const used of featureRefs(feature.expr)) visit(used);
  };
  roots.forEach(visit);
  return featureSet.features.filter((f) => needed.has(f.name));
}

function featureRefs(expr: PlanExpr): string[] {
  return exprRefs(expr, "feature");
}

/** The source columns an expression reads directly. */
export function columnRefs(expr: PlanExpr): string[] {
  return exprRefs(expr, "column");
}
