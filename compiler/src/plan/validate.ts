import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import schema from "./plan.schema.json" with { type: "json" };
import { PLAN_SCHEMA_OPTIONS } from "./schema-options.js";
import { type PlanSchemaError, parsePlan, planSchemaErrors } from "./schema-errors.js";
import type { Plan } from "./types.js";

export { schema as planSchema };
export { planExpressions } from "./schema-errors.js";
export type { PlanSchemaError } from "./schema-errors.js";

let validator: ValidateFunction | undefined;

/** The plan schema compiled here, on first use. (The CLI uses the one `npm run build` precompiled.) */
export function compiledPlanSchema(): ValidateFunction {
  validator ??= new Ajv2020(PLAN_SCHEMA_OPTIONS).compile(schema);
  return validator;
}

/** Checks a value against the plan JSON Schema and the expression shapes; returns the errors (empty when valid). */
export function validatePlan(value: unknown): PlanSchemaError[] {
  return planSchemaErrors(compiledPlanSchema(), value);
}

/** Parses and validates plan JSON; throws an error listing every schema violation with its path. */
export function loadPlan(json: string, origin = "plan"): Plan {
  return parsePlan(json, origin, compiledPlanSchema());
}
