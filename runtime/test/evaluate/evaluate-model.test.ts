import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import {
  binaryClassificationMetrics,
  evaluateModel,
  fairnessMetrics,
  linearRegressionOnnx,
  logisticRegressionOnnx,
  multiclassClassificationMetrics,
  regressionMetrics,
  softmaxRegressionOnnx,
} from "../../src/index.js";

const nRows = 6;
const nCols = 2;
const x = new Float32Array([0, 1, 1, 0, 2, 2, -1, 0, 0.5, -0.5, -2, 1]);

describe("evaluateModel runs an ONNX model over the test split", () => {
  it("binary: every metric from the model's own outputs, fairness per column, latency", async () => {
    const w = [1, -0.5];
    const session = await ort.InferenceSession.create(logisticRegressionOnnx(w, 0.1));
    const yTrue = [1, 0, 1, 0, 1, 0];
    const groups = ["a", "a", "b", "b", "b", "a"];
    const result = await evaluateModel(session, "binary_classification", x, nRows, nCols, yTrue, {
      groups: { region: groups },
      latencyRows: 10,
    });
    const p = Array.from({ length: nRows }, (_, i) => 1 / (1 + Math.exp(-(x[2 * i]! * w[0]! + x[2 * i + 1]! * w[1]! + 0.1))));
    const expected = binaryClassificationMetrics(yTrue, p);
    for (const [name, value] of Object.entries(expected)) expect(result.metrics[name], name).toBeCloseTo(value, 5);
    expect(result.fairness.region).toEqual(fairnessMetrics(yTrue, Array.from(result.labels!), groups));
    expect(result.metrics.latency_p50).toBeGreaterThan(0);
    expect(result.metrics.latency_p99).toBeGreaterThanOrEqual(result.metrics.latency_p95!);
  });

  it("multiclass reads `probabilities` and `label`", async () => {
    const session = await ort.InferenceSession.create(softmaxRegressionOnnx([1, 0, -1, 0, 1, 0], [0, 0, 0]));
    const yTrue = [0, 1, 0, 2, 1, 2];
    const result = await evaluateModel(session, "multiclass_classification", x, nRows, nCols, yTrue, { nClasses: 3, latencyRows: 0 });
    expect(result.metrics).toEqual(multiclassClassificationMetrics(yTrue, result.scores, 3));
    expect(result.metrics.latency_p50).toBeUndefined();
  });

  it("regression reads `prediction`", async () => {
    const session = await ort.InferenceSession.create(linearRegressionOnnx([2, 1], 3));
    const yTrue = [4, 5, 9, 1, 4, -1];
    const result = await evaluateModel(session, "regression", x, nRows, nCols, yTrue, { latencyRows: 0 });
    const prediction = Array.from({ length: nRows }, (_, i) => 2 * x[2 * i]! + x[2 * i + 1]! + 3);
    for (const [name, value] of Object.entries(regressionMetrics(yTrue, prediction)))
      expect(result.metrics[name], name).toBeCloseTo(value, 5);
  });
});
