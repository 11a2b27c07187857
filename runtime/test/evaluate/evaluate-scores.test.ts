/**
 * Evaluation runs the model graph: raw test rows → `Scorer` → `evaluateScores` (every metric of
 * the task, fairness per grouping column) and `measureGraphLatency` (one row through the whole graph).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { CellValue } from "../../src/data/dataset.js";
import { evaluateScores, measureGraphLatency } from "../../src/evaluate/evaluate-scores.js";
import {
  binaryClassificationMetrics,
  fairnessMetrics,
  multiclassClassificationMetrics,
  regressionMetrics,
} from "../../src/evaluate/metrics.js";
import { fitFeatures } from "../../src/features/feature-pipeline.js";
import { composeModelGraph } from "../../src/graph/compose-model.js";
import { linearRegressionOnnx, logisticRegressionOnnx, softmaxRegressionOnnx } from "../../src/onnx/linear-models.js";
import { openScorer, type Scorer } from "../../src/scoring/scorer.js";
import { compileText } from "../graph/support/compile.js";
import { datasetOf } from "../graph/support/random-rows.js";

const plan = compileText(`
pipeline scores { owner = "tests@example.com" }
source rows {
  format = csv
  path   = "rows.csv"
  schema {
    a:      float
    b:      float
    region: string
    label:  bool
  }
}
features f from rows {
  a = a
  b = b
}
model m {
  task     = binary_classification
  features = f
  target   = rows.label
  trainer  = logistic_regression { epochs = 5 }
}
`);
const source = plan.sources.rows!;
const model = plan.models.m!;
const points = [
  [0, 1],
  [1, 0],
  [2, 2],
  [-1, 0],
  [0.5, -0.5],
  [-2, 1],
] as const;
const regions = ["a", "a", "b", "b", "b", "a"];
const rows: CellValue[][] = points.map(([a, b], i) => [a, b, regions[i]!, i % 2 === 0]);
const dataset = datasetOf(source.columns, rows);
const fitted = fitFeatures(
  { featureSet: plan.featureSets[model.featureSet]!, sourceColumns: source.columns, inputs: model.inputs },
  dataset,
);

const opened: Scorer[] = [];
afterAll(async () => {
  for (const scorer of opened) await scorer.release();
});

async function scorerOf(task: "binary_classification" | "multiclass_classification" | "regression", bare: Uint8Array): Promise<Scorer> {
  const classes = task === "regression" ? [] : task === "binary_classification" ? ["false", "true"] : ["x", "y", "z"];
  const scorer = await openScorer(composeModelGraph({ fitted, model: bare, name: "m", task, classes }));
  opened.push(scorer);
  return scorer;
}

describe("evaluateScores over a model graph's scores of the test rows", () => {
  it("binary: every metric from P(positive), labels at 0.5, fairness per grouping column", async () => {
    const w = [1, -0.5];
    const scorer = await scorerOf("binary_classification", logisticRegressionOnnx(w, 0.1));
    const yTrue = [1, 0, 1, 0, 1, 0];
    const result = evaluateScores("binary_classification", await scorer.scoreDataset(dataset), yTrue, {
      nClasses: 2,
      groups: { region: regions },
    });
    const p = points.map(([a, b]) => 1 / (1 + Math.exp(-(a * w[0]! + b * w[1]! + 0.1))));
    for (const [name, value] of Object.entries(binaryClassificationMetrics(yTrue, p)))
      expect(result.metrics[name], name).toBeCloseTo(value, 5);
    expect(Array.from(result.scores)).toEqual(p.map((v) => expect.closeTo(v, 6)));
    expect(Array.from(result.labels!)).toEqual(p.map((v) => (v > 0.5 ? 1 : 0)));
    expect(result.fairness.region).toEqual(fairnessMetrics(yTrue, Array.from(result.labels!), regions));
  });

  it("multiclass: metrics from the probabilities, labels by argmax", async () => {
    const scorer = await scorerOf("multiclass_classification", softmaxRegressionOnnx([1, 0, -1, 0, 1, 0], [0, 0, 0]));
    const yTrue = [0, 1, 0, 2, 1, 2];
    const scores = await scorer.scoreDataset(dataset);
    const result = evaluateScores("multiclass_classification", scores, yTrue, { nClasses: 3 });
    expect(result.metrics).toEqual(multiclassClassificationMetrics(yTrue, scores.probabilities!, 3));
    const expectedLabels = points.map(([a, b]) => {
      const logits = [a, b, -a];
      return logits.indexOf(Math.max(...logits));
    });
    expect(Array.from(result.labels!)).toEqual(expectedLabels);
    expect(result.fairness).toEqual({});
  });

  it("regression: metrics from the predicted values", async () => {
    const scorer = await scorerOf("regression", linearRegressionOnnx([2, 1], 3));
    const yTrue = [4, 5, 9, 1, 4, -1];
    const result = evaluateScores("regression", await scorer.scoreDataset(dataset), yTrue, { nClasses: 0 });
    const prediction = points.map(([a, b]) => 2 * a + b + 3);
    for (const [name, value] of Object.entries(regressionMetrics(yTrue, prediction)))
      expect(result.metrics[name], name).toBeCloseTo(value, 5);
    expect(result.labels).toBeUndefined();
  });
});

describe("measureGraphLatency", () => {
  it("times one-row runs of the whole graph over a bounded, evenly spaced sample", async () => {
    const scorer = await scorerOf("binary_classification", logisticRegressionOnnx([1, -1], 0));
    const result = await measureGraphLatency(scorer, dataset, { maxRows: 4 });
    expect(result.samplesMs.length).toBe(4);
    expect(result.p50).toBeGreaterThan(0);
    expect(result.p50).toBeLessThanOrEqual(result.p95);
    expect(result.p95).toBeLessThanOrEqual(result.p99);
    expect((await measureGraphLatency(scorer, dataset)).samplesMs.length).toBe(dataset.rowCount);
  });
});
