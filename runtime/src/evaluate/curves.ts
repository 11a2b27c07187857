/**
 * The evaluation's curve data, recorded with every run for reports and the UI: ROC and
 * precision-recall points, calibration bins and the confusion matrix for classification
 * (scikit-learn's `roc_curve`, `precision_recall_curve`, `calibration_curve(strategy="uniform")`,
 * `confusion_matrix` definitions); a sample of predictions and residuals for regression.
 * Curves are thinned to a few hundred points: enough to draw, small enough to store per run.
 */
import type { Task } from "@mlops/compiler";
import { argmaxLabels, binaryLabels } from "./metrics.js";

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** The score threshold of each point (null for the first: above every score, scikit-learn's `inf`). */
  thresholds: Array<number | null>;
}

export interface PrCurve {
  recall: number[];
  precision: number[];
}

export interface CalibrationBin {
  /** Bin bounds on the predicted probability. */
  from: number;
  to: number;
  meanPredicted: number;
  fractionPositive: number;
  count: number;
}

export interface ConfusionMatrix {
  /** Class labels in output order; rows are the true class, columns the predicted one. */
  labels: string[];
  matrix: number[][];
}

export type EvaluationCurves =
  | { task: "binary_classification"; roc: RocCurve; pr: PrCurve; calibration: CalibrationBin[]; confusion: ConfusionMatrix }
  | { task: "multiclass_classification"; confusion: ConfusionMatrix }
  | {
      task: "regression";
      /** Up to `MAX_POINTS` rows, evenly spaced over the test split. */
      sample: { actual: number[]; predicted: number[] };
      /** Residuals (actual − predicted) of every row, in equal-width bins. */
      residuals: { edges: number[]; counts: number[] };
    };

const MAX_POINTS = 300;
const CALIBRATION_BINS = 10;
const RESIDUAL_BINS = 20;

export interface CurveInput {
  task: Task;
  /** Class indices (classification) or values (regression). */
  yTrue: ArrayLike<number>;
  /** binary: P(positive); multiclass: row-major [N, K] probabilities; regression: predictions. */
  scores: ArrayLike<number>;
  /** Predicted class indices (classification). */
  labels?: ArrayLike<number>;
  classes: string[];
}

export function evaluationCurves(input: CurveInput): EvaluationCurves {
  const { task, yTrue, scores, classes } = input;
  if (task === "regression") return regressionCurves(yTrue, scores);
  const labels = input.labels ?? (task === "binary_classification" ? binaryLabels(scores) : argmaxLabels(scores, classes.length));
  const confusion = confusionMatrix(yTrue, labels, classes);
  if (task === "multiclass_classification") return { task, confusion };
  return { task, roc: rocCurve(yTrue, scores), pr: prCurve(yTrue, scores), calibration: calibrationBins(yTrue, scores), confusion };
}

/** Distinct thresholds, highest first, with the cumulative true and false positives above each. */
function thresholdSteps(yTrue: ArrayLike<number>, scores: ArrayLike<number>): Array<{ threshold: number; tp: number; fp: number }> {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const steps: Array<{ threshold: number; tp: number; fp: number }> = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (yTrue[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) steps.push({ threshold: scores[i]!, tp, fp });
  }
  return steps;
}

export function rocCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  const steps = thresholdSteps(yTrue, scores);
  const positives = steps.at(-1)?.tp ?? 0;
  const negatives = steps.at(-1)?.fp ?? 0;
  const points = [{ threshold: Number.POSITIVE_INFINITY, tp: 0, fp: 0 }, ...steps];
  const kept = thin(points);
  return {
    fpr: kept.map((p) => round(negatives === 0 ? 0 : p.fp / negatives)),
    tpr: kept.map((p) => round(positives === 0 ? 0 : p.tp / positives)),
    thresholds: kept.map((p) => (Number.isFinite(p.threshold) ? round(p.threshold) : null)),
  };
}

export function prCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): PrCurve {
  const steps = thresholdSteps(yTrue, scores);
  const positives = steps.at(-1)?.tp ?? 0;
  const kept = thin(steps);
  return {
    recall: [0, ...kept.map((p) => round(positives === 0 ? 0 : p.tp / positives))],
    precision: [1, ...kept.map((p) => round(p.tp / (p.tp + p.fp)))],
  };
}

export function calibrationBins(yTrue: ArrayLike<number>, probability: ArrayLike<number>, bins = CALIBRATION_BINS): CalibrationBin[] {
  const sums = new Float64Array(bins);
  const positives = new Float64Array(bins);
  const counts = new Float64Array(bins);
  for (let i = 0; i < probability.length; i++) {
    const p = probability[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    sums[b]! += p;
    positives[b]! += yTrue[i] === 1 ? 1 : 0;
    counts[b]!++;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (counts[b] === 0) continue;
    out.push({
      from: round(b / bins),
      to: round((b + 1) / bins),
      meanPredicted: round(sums[b]! / counts[b]!),
      fractionPositive: round(positives[b]! / counts[b]!),
      count: counts[b]!,
    });
  }
  return out;
}

export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classes: string[]): ConfusionMatrix {
  const k = Math.max(classes.length, 2);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (t >= 0 && t < k && p >= 0 && p < k) matrix[t]![p]!++;
  }
  return { labels: classes.length >= 2 ? classes : ["0", "1"], matrix };
}

function regressionCurves(actual: ArrayLike<number>, predicted: ArrayLike<number>): EvaluationCurves {
  const n = actual.length;
  const step = Math.max(1, n / MAX_POINTS);
  const sample = { actual: [] as number[], predicted: [] as number[] };
  for (let s = 0; s < n; s += step) {
    const i = Math.floor(s);
    sample.actual.push(round(actual[i]!));
    sample.predicted.push(round(predicted[i]!));
  }
  const residuals = Array.from({ length: n }, (_, i) => actual[i]! - predicted[i]!);
  return { task: "regression", sample, residuals: histogram(residuals, RESIDUAL_BINS) };
}

function histogram(values: number[], bins: number): { edges: number[]; counts: number[] } {
  if (values.length === 0) return { edges: [], counts: [] };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) return { edges: [round(min), round(max)], counts: [values.length] };
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  return { edges: Array.from({ length: bins + 1 }, (_, b) => round(min + b * width)), counts };
}

/** At most `MAX_POINTS` points, evenly spaced by index, always keeping the first and the last. */
function thin<T>(points: T[]): T[] {
  if (points.length <= MAX_POINTS) return points;
  const out: T[] = [];
  for (let k = 0; k < MAX_POINTS; k++) out.push(points[Math.round((k * (points.length - 1)) / (MAX_POINTS - 1))]!);
  return out;
}

function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
}
