import type { ErrorObject, ValidateFunction } from "ajv";
import { planExprProblem } from "./expr.js";
import type { Plan, PlanExpr } from "./types.js";

export interface PlanSchemaError {
  /** JSON Pointer into the plan, e.g. `/models/fraud_clf/split/test`. */
  path: string;
  message: string;
}

/**
 * Checks a value with a compiled plan schema, then the shape of every expression that the
 * schema cannot express (see `planExprProblem`); returns the errors (empty when valid).
 */
export function planSchemaErrors(validate: ValidateFunction, value: unknown): PlanSchemaError[] {
  if (validate(value)) return expressionErrors(value as Plan);
  return mostSpecific(validate.errors ?? []).map((error) => ({
    path: error.instancePath || "/",
    message: describe(error),
  }));
}

/** Parses and validates plan JSON; throws an error listing every schema violation with its path. */
export function parsePlan(json: string, origin: string, validate: ValidateFunction): Plan {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`${origin}: not valid JSON (${(error as Error).message})`);
  }
  const errors = planSchemaErrors(validate, value);
  if (errors.length > 0) {
    const lines = errors.slice(0, 20).map((e) => `  ${e.path}: ${e.message}`);
    throw new Error(`${origin}: not a valid plan (schema planVersion 1):\n${lines.join("\n")}`);
  }
  return value as Plan;
}

function expressionErrors(plan: Plan): PlanSchemaError[] {
  const errors: PlanSchemaError[] = [];
  for (const { path, expr } of planExpressions(plan)) {
    const problem = planExprProblem(expr);
    if (problem) errors.push({ path, message: problem });
  }
  return errors;
}

/** Every expression of a plan with its JSON Pointer. */
export function planExpressions(plan: Plan): Array<{ path: string; expr: PlanExpr }> {
  const out: Array<{ path: string; expr: PlanExpr }> = [];
  const pointer = (...parts: Array<string | number>) =>
    `/${parts.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
  for (const [name, source] of Object.entries(plan.sources))
    source.expectations.forEach((e, i) => out.push({ path: pointer("sources", name, "expectations", i, "expr"), expr: e.expr }));
  for (const [name, set] of Object.entries(plan.featureSets))
    set.features.forEach((f, i) => out.push({ path: pointer("featureSets", name, "features", i, "expr"), expr: f.expr }));
  for (const [name, gate] of Object.entries(plan.gates))
    gate.rules.forEach((r, i) => out.push({ path: pointer("gates", name, "rules", i, "threshold"), expr: r.threshold }));
  for (const [name, monitor] of Object.entries(plan.monitors))
    monitor.policies.forEach((p, i) => out.push({ path: pointer("monitors", name, "policies", i, "condition"), expr: p.condition }));
  return out;
}

/** oneOf failures list every branch; keep the errors at the deepest paths, which name the real problem. */
function mostSpecific(errors: ErrorObject[]): ErrorObject[] {
  const deepest = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (error.keyword === "oneOf" || error.keyword === "anyOf") continue;
    const list = deepest.get(error.instancePath) ?? [];
    list.push(error);
    deepest.set(error.instancePath, list);
  }
  const paths = [...deepest.keys()];
  const leaves = paths.filter((p) => !paths.some((q) => q !== p && q.startsWith(`${p}/`)));
  const result = leaves.flatMap((p) => dedupe(deepest.get(p)!));
  return withoutOtherBranches(result.length > 0 ? result : errors);
}

/**
 * A tagged union (`kind`) that fails in its own branch also fails every other
 * branch on `kind`; when an object has errors besides its `kind`, those are the real ones.
 */
function withoutOtherBranches(errors: ErrorObject[]): ErrorObject[] {
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf("/"));
  const isKindMismatch = (e: ErrorObject) => e.instancePath.endsWith("/kind") && (e.keyword === "const" || e.keyword === "enum");
  const parentsWithRealErrors = new Set(errors.filter((e) => !isKindMismatch(e)).map((e) => e.instancePath));
  return errors.filter((e) => !isKindMismatch(e) || ![...parentsWithRealErrors].some((p) => p.startsWith(`${parentOf(e.instancePath)}/`)));
}

function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = describe(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties") return `unknown property '${String(params.additionalProperty)}'`;
  if (error.keyword === "required") return `missing property '${String(params.missingProperty)}'`;
  if (error.keyword === "const") return `must be ${JSON.stringify(params.allowedValue)}`;
  if (error.keyword === "enum") return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  return error.message ?? error.keyword;
}
