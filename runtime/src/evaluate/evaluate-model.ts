/**
 * Evaluates an ONNX model on the test split: runs it once over all rows
 * (`predictBatch`), computes every metric of its task, fairness metrics per
 * grouping column, and single-row latency percentiles.
 *
 * Outputs are read by the names the built-in trainers write (`prediction`,
 * `probability`, `probabilities`, `label`); for other models (pretrained,
 * external) the first float tensor output of the right width is used.
 */
import type { Task } from "@mlops/compiler";
import type * as ort from "onnxruntime-node";
import { predictBatch, type BatchOutput } from "../onnx/predict-batch.js";
import { ONNX_OUTPUTS } from "../onnx/linear-models.js";
import { measureRowLatency } from "./latency.js";
import {
  argmaxLabels,
  binaryClassificationMetrics,
  binaryLabels,
  fairnessMetrics,
  multiclassClassificationMetrics,
  regressionMetrics,
  type FairnessMetricName,
  type GroupKey,
} from "./metrics.js";

export interface EvaluateModelOptions {
  /** Multiclass: number of classes (the plan's `target.classes.length`). */
  nClasses?: number;
  /** Grouping columns for fairness metrics, one value per test row, by column name. */
  groups?: Record<string, ArrayLike<GroupKey>>;
  /** Rows timed one by one for latency (0 skips it). Default 200. */
  latencyRows?: number;
  inputName?: string;
}

export interface ModelEvaluation {
  /** Task metrics by their language names, plus `latency_p50`, `latency_p95`, `latency_p99` (ms). */
  metrics: Record<string, number>;
  /** By grouping column: `demographic_parity_difference`, `equalized_odds_difference`. */
  fairness: Record<string, Record<FairnessMetricName, number>>;
  /** Binary: P(positive); multiclass: row-major [N, K] probabilities; regression: predictions. */
  scores: Float32Array | Float64Array;
  /** Predicted class indices (classification only). */
  labels?: Int32Array;
}

export async function evaluateModel(
  session: ort.InferenceSession,
  task: Task,
  x: Float32Array,
  nRows: number,
  nCols: number,
  yTrue: ArrayLike<number>,
  options: EvaluateModelOptions = {},
): Promise<ModelEvaluation> {
  const outputs = await predictBatch(session, x, nRows, nCols, options.inputName ? { inputName: options.inputName } : {});
  const evaluation = scoreTask(task, outputs, yTrue, options.nClasses);
  const latencyRows = options.latencyRows ?? 200;
  if (latencyRows > 0 && nRows > 0) {
    const latency = await measureRowLatency(session, x, nRows, nCols, {
      maxRows: latencyRows,
      ...(options.inputName ? { inputName: options.inputName } : {}),
    });
    Object.assign(evaluation.metrics, { latency_p50: latency.p50, latency_p95: latency.p95, latency_p99: latency.p99 });
  }
  if (task === "binary_classification" && evaluation.labels) {
    for (const [column, groups] of Object.entries(options.groups ?? {})) {
      evaluation.fairness[column] = fairnessMetrics(yTrue, evaluation.labels, groups);
    }
  }
  return evaluation;
}

function scoreTask(task: Task, outputs: Record<string, BatchOutput>, yTrue: ArrayLike<number>, nClasses?: number): ModelEvaluation {
  const onnxLabels = outputs[ONNX_OUTPUTS.label] ? toLabels(outputs[ONNX_OUTPUTS.label]!.data) : undefined;
  switch (task) {
    case "regression": {
      const prediction = floatOutput(outputs, [ONNX_OUTPUTS.prediction], 1);
      return { metrics: { ...regressionMetrics(yTrue, prediction) }, fairness: {}, scores: prediction };
    }
    case "binary_classification": {
      const positive = positiveProbability(outputs);
      const labels = onnxLabels ?? binaryLabels(positive);
      return { metrics: { ...binaryClassificationMetrics(yTrue, positive, labels) }, fairness: {}, scores: positive, labels };
    }
    case "multiclass_classification": {
      const k = nClasses ?? widthOf(outputs[ONNX_OUTPUTS.probabilities]);
      if (!k) throw new Error("evaluate: the number of classes is unknown (pass nClasses)");
      const probabilities = floatOutput(outputs, [ONNX_OUTPUTS.probabilities], k);
      const labels = onnxLabels ?? argmaxLabels(probabilities, k);
      return {
        metrics: { ...multiclassClassificationMetrics(yTrue, probabilities, k, labels) },
        fairness: {},
        scores: probabilities,
        labels,
      };
    }
  }
}

function positiveProbability(outputs: Record<string, BatchOutput>): Float32Array | Float64Array {
  const single = outputs[ONNX_OUTPUTS.probability];
  if (single && isFloat(single.data) && single.width === 1) return single.data;
  const pair = findFloat(outputs, [ONNX_OUTPUTS.probabilities], 2);
  if (pair) {
    const positive = new (pair.data.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(pair.data.length / 2);
    for (let i = 0; i < positive.length; i++) positive[i] = pair.data[2 * i + 1]!;
    return positive;
  }
  return floatOutput(outputs, [], 1);
}

function floatOutput(outputs: Record<string, BatchOutput>, preferred: string[], width: number): Float32Array | Float64Array {
  const found = findFloat(outputs, preferred, width);
  if (!found) throw new Error(`evaluate: the model has no float output of width ${width} (outputs: ${Object.keys(outputs).join(", ")})`);
  return found.data;
}

function findFloat(
  outputs: Record<string, BatchOutput>,
  preferred: string[],
  width: number,
): { data: Float32Array | Float64Array } | undefined {
  const candidates = [...preferred.map((name) => outputs[name]), ...Object.values(outputs)];
  for (const output of candidates) {
    if (output && isFloat(output.data) && output.width === width) return { data: output.data };
  }
  return undefined;
}

function widthOf(output: BatchOutput | undefined): number | undefined {
  return output?.width;
}

function isFloat(data: BatchOutput["data"]): data is Float32Array | Float64Array {
  return data instanceof Float32Array || data instanceof Float64Array;
}

function toLabels(data: BatchOutput["data"]): Int32Array {
  return Int32Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
}
