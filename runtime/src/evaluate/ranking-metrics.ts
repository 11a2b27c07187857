/** Threshold-free binary metrics on scores (positive label 1), as scikit-learn computes them. */
import { checkSameLength } from "./confusion-counts.js";

/**
 * ROC AUC (`roc_auc_score`): the Mann–Whitney statistic with average ranks for
 * tied scores, equal to the trapezoidal area under the ROC curve. NaN when
 * `yTrue` holds only one class (scikit-learn raises there).
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkSameLength(yTrue, scores);
  const order = ascendingOrder(scores);
  let positives = 0;
  let positiveRankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (yTrue[order[t]!] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision (`average_precision_score`): Σ (R_k - R_{k-1}) · P_k over
 * the distinct score thresholds, highest first (no interpolation). 0 when there
 * is no positive row.
 */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkSameLength(yTrue, scores);
  const order = ascendingOrder(scores);
  let totalPositives = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === 1) totalPositives++;
  if (totalPositives === 0) return 0;
  let truePositives = 0;
  let seen = 0;
  let previousRecall = 0;
  let sum = 0;
  let i = order.length - 1;
  while (i >= 0) {
    let j = i;
    while (j - 1 >= 0 && scores[order[j - 1]!] === scores[order[i]!]) j--;
    for (let t = j; t <= i; t++) if (yTrue[order[t]!] === 1) truePositives++;
    seen += i - j + 1;
    const recall = truePositives / totalPositives;
    sum += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
    i = j - 1;
  }
  return sum;
}

function ascendingOrder(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[a]! - scores[b]!);
}
