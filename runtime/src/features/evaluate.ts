import { getColumn, type Dataset } from "../data/dataset.js";
import type { FeatureSetSpec, FeatureSpec, PlanExpr } from "../plan.js";
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
        evaluate(feature.expr, { dataset, values, states, fit: options.fit, feature: feature.name, topLevelScalar: scalar }, true),
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

function evaluate(expr: PlanExpr, scope: Scope, topLevel = false): Vec {
  const n = scope.dataset.rowCount;
  switch (expr.op) {
    case "lit":
      return literalVec(expr.value, n);
    case "ref":
      return reference(expr.scope, expr.name, scope);
    case "unary":
      return applyUnary(expr.operator, evaluate(expr.operand, scope), n);
    case "binary":
      return applyBinary(expr.operator, evaluate(expr.left, scope), evaluate(expr.right, scope), n);
    case "call": {
      if (STATEFUL_FUNCTIONS.has(expr.fn)) return stateful(expr, scope, topLevel);
      return applyFunction(
        expr.fn,
        expr.args.map((a) => evaluate(a, scope)),
        n,
      );
    }
  }
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

function stateful(expr: Extract<PlanExpr, { op: "call" }>, scope: Scope, topLevel: boolean): Vec {
  const n = scope.dataset.rowCount;
  const key = expr.state;
  if (!key) throw new Error(`${expr.fn}() has no state key in the plan`);
  const input = evaluate(expr.args[0] ?? { op: "lit", value: null }, scope);
  let state = scope.states[key];
  if (!state) {
    if (!scope.fit) throw new Error(`no fitted state "${key}" for ${expr.fn}() (fit the features on the training split first)`);
    state = fitState(expr.fn, input, expr.args, n);
    scope.states[key] = state;
  } else if (state.kind !== expr.fn) {
    throw new Error(`fitted state "${key}" is a ${state.kind}, not a ${expr.fn}`);
  }
  return applyState(state, input, n, scope.feature, topLevel && scope.topLevelScalar);
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
  return refsOf(expr, "feature");
}

/** The source columns an expression reads directly. */
export function columnRefs(expr: PlanExpr): string[] {
  return refsOf(expr, "column");
}

function refsOf(expr: PlanExpr, scope: "feature" | "column"): string[] {
  switch (expr.op) {
    case "ref":
      return expr.scope === scope ? [expr.name] : [];
    case "call":
      return expr.args.flatMap((a) => refsOf(a, scope));
    case "binary":
      return [...refsOf(expr.left, scope), ...refsOf(expr.right, scope)];
    case "unary":
      return refsOf(expr.operand, scope);
    case "lit":
      return [];
  }
}
