/**
 * Every model of every example: its features fitted on the example's data, applied by the feature
 * graph and by the JavaScript evaluator (the oracle), equal to 1e-6 on every row.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildPlanFromSources } from "@mlops/compiler/cli";
import { describe, expect, it } from "vitest";
import { readSource } from "../../src/data/read-source.js";
import { fitFeatures } from "../../src/features/feature-pipeline.js";
import { oracleMatrix } from "./support/feature-oracle.js";
import { transformDataset } from "./support/transform.js";

const EXAMPLES = fileURLToPath(new URL("../../../examples/", import.meta.url));
const io = (cwd: string) => ({ stdout: () => {}, stderr: () => {}, isTTY: false, cwd, env: {} });

const close = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));

describe("the feature graph on the examples", () => {
  for (const example of readdirSync(EXAMPLES).sort()) {
    it(`equals the evaluator on every row of ${example}`, async () => {
      const dir = `${EXAMPLES}${example}`;
      const built = buildPlanFromSources(dir, undefined, io(dir));
      if (!built) throw new Error(`examples/${example} does not compile`);
      const models = Object.values(built.plan.models);
      expect(models.length).toBeGreaterThan(0);
      for (const model of models) {
        const source = built.plan.sources[model.source]!;
        const { dataset } = await readSource(source, built.projectRoot);
        const fitted = fitFeatures(
          { featureSet: built.plan.featureSets[model.featureSet]!, sourceColumns: source.columns, inputs: model.inputs },
          dataset,
        );
        const expected = oracleMatrix(fitted, dataset);
        const actual = (await transformDataset(fitted, dataset)).data;
        expect(actual.length).toBe(expected.length);
        const mismatches: string[] = [];
        for (let k = 0; k < expected.length && mismatches.length < 5; k++) {
          if (close(expected[k]!, actual[k]!)) continue;
          const slot = fitted.inputs.find((s) => k % fitted.width >= s.offset && k % fitted.width < s.offset + s.width);
          mismatches.push(
            `${model.name}.${slot?.feature} row ${Math.floor(k / fitted.width)}: evaluator ${expected[k]}, graph ${actual[k]}`,
          );
        }
        expect(mismatches).toEqual([]);
      }
    });
  }
});
