/**
 * Metrics of a model graph's scores on the test split (every metric of the task, fairness by
 * grouping column), and the single-row latency through the whole graph (raw columns in, the
 * prediction out: what a served request costs).
 */
import { performance } from "node:perf_hooks";
import type { Task } from "@mlops/compiler";
import { takeRows, type Dataset } from "../data/dataset.js";
import { feedsFromDataset } from "../graph/graph-feeds.js";
import type { Scorer, Scores } from "../scoring/scorer.js";
import { latencyPercentiles, type RowLatency } from "./latency.js";
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

export interface ScoresEvaluation {
  metrics: Record<string, number>;
  fairness: Record<string, Record<FairnessMetricName, number>>;
  /** Regression: the predictions; binary: P(positive); multiclass: the probabilities `[N, K]` (for curves). */
  scores: Float32Array | Float64Array;
  /** Classifiers: the predicted class per row. */
  labels?: Int32Array;
}

export function evaluateScores(
  task: Task,
  scores: Scores,
  yTrue: ArrayLike<number>,
  options: { nClasses: number; groups?: Record<string, ArrayLike<GroupKey>> },
): ScoresEvaluation {
  if (task === "regression") return { metrics: { ...regressionMetrics(yTrue, scores.values!) }, fairness: {}, scores: scores.values! };
  const probabilities = scores.probabilities!;
  if (task === "multiclass_classification") {
    const labels = argmaxLabels(probabilities, options.nClasses);
    return {
      metrics: { ...multiclassClassificationMetrics(yTrue, probabilities, options.nClasses, labels) },
      fairness: {},
      scores: probabilities,
      labels,
    };
  }
  const positive = new Float32Array(scores.rows);
  for (let i = 0; i < positive.length; i++) positive[i] = probabilities[2 * i + 1]!;
  const labels = binaryLabels(positive);
  const fairness: ScoresEvaluation["fairness"] = {};
  for (const [column, groups] of Object.entries(options.groups ?? {})) fairness[column] = fairnessMetrics(yTrue, labels, groups);
  return { metrics: { ...binaryClassificationMetrics(yTrue, positive, labels) }, fairness, scores: positive, labels };
}

/** Times one-row runs of the graph over up to `maxRows` rows of `dataset` (evenly spaced), after `warmup` untimed runs. */
export async function measureGraphLatency(
  scorer: Scorer,
  dataset: Dataset,
  options: { maxRows?: number; warmup?: number } = {},
): Promise<RowLatency> {
  const count = Math.min(dataset.rowCount, options.maxRows ?? 200);
  const step = count > 0 ? dataset.rowCount / count : 1;
  const feedsOf = (i: number) => feedsFromDataset(scorer.inputs, takeRows(dataset, [i]));
  const fetches = scorer.task === "regression" ? ["value"] : ["label", "probabilities"];
  for (let w = 0; w < Math.min(count, options.warmup ?? 5); w++) await scorer.session.run(feedsOf(w), fetches);
  const samplesMs = new Float64Array(count);
  for (let s = 0; s < count; s++) {
    const feeds = feedsOf(Math.floor(s * step));
    const start = performance.now();
    await scorer.session.run(feeds, fetches);
    samplesMs[s] = performance.now() - start;
  }
  return { samplesMs, ...latencyPercentiles(samplesMs) };
}
