/**
 * Every metric a gate may name (LANGUAGE.md §3), with scikit-learn's definitions.
 * Labels are class indices: binary 0 = negative, 1 = positive; multiclass 0..K-1
 * (the order of the plan's `target.classes`). Zero divisions give 0, as
 * scikit-learn's default `zero_division` does (without the warning); metrics that
 * scikit-learn cannot define at all (ROC AUC with one class, R² of one row) are NaN.
 */
import type { Task } from "@mlops/compiler";
import { checkSameLength, countsFor, f1Of, labelCounts, precisionOf, recallOf, type LabelCounts } from "./confusion-counts.js";
import { demographicParityDifference, equalizedOddsDifference, type GroupKey } from "./fairness-metrics.js";
import { binaryLogLoss, brierScore, multiclassLogLoss } from "./probability-metrics.js";
import { averagePrecision, rocAuc } from "./ranking-metrics.js";
import { mae, mape, r2, rmse } from "./regression-metrics.js";

export { rocAuc, averagePrecision } from "./ranking-metrics.js";
export { binaryLogLoss, multiclassLogLoss, brierScore } from "./probability-metrics.js";
export { rmse, mae, r2, mape } from "./regression-metrics.js";
export { demographicParityDifference, equalizedOddsDifference, type GroupKey } from "./fairness-metrics.js";

export const METRICS_BY_TASK = {
  binary_classification: ["accuracy", "precision", "recall", "f1", "auc", "pr_auc", "log_loss", "brier"],
  multiclass_classification: ["accuracy", "macro_f1", "weighted_f1", "macro_precision", "macro_recall", "log_loss"],
  regression: ["rmse", "mae", "r2", "mape"],
} as const satisfies Record<Task, readonly string[]>;

export const FAIRNESS_METRICS = ["demographic_parity_difference", "equalized_odds_difference"] as const;

export type BinaryMetricName = (typeof METRICS_BY_TASK.binary_classification)[number];
export type MulticlassMetricName = (typeof METRICS_BY_TASK.multiclass_classification)[number];
export type RegressionMetricName = (typeof METRICS_BY_TASK.regression)[number];
export type FairnessMetricName = (typeof FAIRNESS_METRICS)[number];

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return yTrue.length === 0 ? 0 : correct / yTrue.length;
}

/** Binary precision of label 1. */
export function precision(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return precisionOf(countsFor(labelCounts(yTrue, yPred), 1));
}

export function recall(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return recallOf(countsFor(labelCounts(yTrue, yPred), 1));
}

export function f1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return f1Of(countsFor(labelCounts(yTrue, yPred), 1));
}

function macro(counts: LabelCounts[], metric: (c: LabelCounts) => number): number {
  return counts.length === 0 ? 0 : counts.reduce((sum, c) => sum + metric(c), 0) / counts.length;
}

/** Macro averages over the labels present in yTrue or yPred (scikit-learn's `labels=None`). */
export function macroPrecision(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return macro(labelCounts(yTrue, yPred), precisionOf);
}

export function macroRecall(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return macro(labelCounts(yTrue, yPred), recallOf);
}

export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return macro(labelCounts(yTrue, yPred), f1Of);
}

/** F1 per label weighted by its support (true count). */
export function weightedF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const counts = labelCounts(yTrue, yPred);
  const support = counts.reduce((sum, c) => sum + c.support, 0);
  return support === 0 ? 0 : counts.reduce((sum, c) => sum + f1Of(c) * c.support, 0) / support;
}

/** Label 1 where P(positive) > threshold (0.5: scikit-learn's `predict`). */
export function binaryLabels(positiveProbability: ArrayLike<number>, threshold = 0.5): Int32Array {
  const labels = new Int32Array(positiveProbability.length);
  for (let i = 0; i < labels.length; i++) labels[i] = positiveProbability[i]! > threshold ? 1 : 0;
  return labels;
}

/** The first most probable class of each row of row-major [N, K] probabilities. */
export function argmaxLabels(probabilities: ArrayLike<number>, nClasses: number): Int32Array {
  const n = probabilities.length / nClasses;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < nClasses; k++) if (probabilities[i * nClasses + k]! > probabilities[i * nClasses + best]!) best = k;
    labels[i] = best;
  }
  return labels;
}

export function binaryClassificationMetrics(
  yTrue: ArrayLike<number>,
  positiveProbability: ArrayLike<number>,
  yPred: ArrayLike<number> = binaryLabels(positiveProbability),
): Record<BinaryMetricName, number> {
  const counts = countsFor(labelCounts(yTrue, yPred), 1);
  return {
    accuracy: accuracy(yTrue, yPred),
    precision: precisionOf(counts),
    recall: recallOf(counts),
    f1: f1Of(counts),
    auc: rocAuc(yTrue, positiveProbability),
    pr_auc: averagePrecision(yTrue, positiveProbability),
    log_loss: binaryLogLoss(yTrue, positiveProbability),
    brier: brierScore(yTrue, positiveProbability),
  };
}

/** `probabilities` row-major [N, K]. */
export function multiclassClassificationMetrics(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  nClasses: number,
  yPred: ArrayLike<number> = argmaxLabels(probabilities, nClasses),
): Record<MulticlassMetricName, number> {
  const counts = labelCounts(yTrue, yPred);
  const support = counts.reduce((sum, c) => sum + c.support, 0);
  return {
    accuracy: accuracy(yTrue, yPred),
    macro_f1: macro(counts, f1Of),
    weighted_f1: support === 0 ? 0 : counts.reduce((sum, c) => sum + f1Of(c) * c.support, 0) / support,
    macro_precision: macro(counts, precisionOf),
    macro_recall: macro(counts, recallOf),
    log_loss: multiclassLogLoss(yTrue, probabilities, nClasses),
  };
}

export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): Record<RegressionMetricName, number> {
  return { rmse: rmse(yTrue, yPred), mae: mae(yTrue, yPred), r2: r2(yTrue, yPred), mape: mape(yTrue, yPred) };
}

/** Both fairness metrics for one grouping column (`by`). */
export function fairnessMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  groups: ArrayLike<GroupKey>,
): Record<FairnessMetricName, number> {
  return {
    demographic_parity_difference: demographicParityDifference(yPred, groups),
    equalized_odds_difference: equalizedOddsDifference(yTrue, yPred, groups),
  };
}
