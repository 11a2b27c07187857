import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { afterAll, describe, expect, it } from "vitest";
import { planSchemaHash } from "../../src/cli/plan-schema-validator.js";
import { planSchemaErrors } from "../../src/plan/schema-errors.js";
import { compiledPlanSchema } from "../../src/plan/validate.js";

const compiler = new URL("../../", import.meta.url).pathname;
const goldenPlans = new URL("../../../test/golden/plans/", import.meta.url).pathname;
// Inside the package, so the generated code resolves ajv's runtime helpers as the real one does.
const dir = mkdtempSync(join(compiler, "dist/.validator-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function precompile(): ValidateFunction & { schemaHash: string } {
  const out = join(dir, "plan-schema-validator.cjs");
  execFileSync(process.execPath, [join(compiler, "scripts/precompile-plan-validator.mjs"), out]);
  return createRequire(out)(out);
}

/** Plans that break the schema in the ways a hand-edited or foreign plan file does. */
function broken(plan: Record<string, unknown>): Array<Record<string, unknown>> {
  const copy = () => structuredClone(plan) as Record<string, Record<string, Record<string, unknown>>>;
  const unknown = copy();
  for (const source of Object.values(unknown.sources!)) source.extra = 1;
  const missing = copy() as Record<string, unknown>;
  delete missing.steps;
  const wrongType = copy() as Record<string, unknown>;
  wrongType.planVersion = "1";
  const wrongDeep = copy();
  for (const model of Object.values(wrongDeep.models!)) model.split = { test: "20%" };
  return [unknown, missing, wrongType, wrongDeep];
}

describe("the build's precompiled plan validator", () => {
  const precompiled = precompile();
  const plans = readdirSync(goldenPlans)
    .filter((name) => name.endsWith(".json"))
    .map((name) => JSON.parse(readFileSync(join(goldenPlans, name), "utf8")) as Record<string, unknown>);

  it("records the hash of the schema it was made from, which the CLI checks before using it", () => {
    expect(precompiled.schemaHash).toBe(planSchemaHash());
  });

  it("accepts and rejects exactly what the schema compiled at run time does, with the same errors", () => {
    expect(plans.length).toBeGreaterThan(3);
    for (const plan of plans) {
      expect(planSchemaErrors(precompiled, plan)).toEqual([]);
      for (const bad of broken(plan)) {
        const errors = planSchemaErrors(compiledPlanSchema(), bad);
        expect(errors.length).toBeGreaterThan(0);
        expect(planSchemaErrors(precompiled, bad)).toEqual(errors);
      }
    }
  });
});
