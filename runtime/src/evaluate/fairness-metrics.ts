/**
 * Group fairness as fairlearn defines it (positive label 1; difference = largest
 * minus smallest group value, `method="between_groups"`). A rate with an empty
 * denominator in a group counts as 0, as fairlearn's rates do (they come from
 * scikit-learn's normalised confusion matrix, which turns 0/0 into 0).
 * Group keys are compared by value; null is a group of its own.
 */
import { checkSameLength } from "./confusion-counts.js";

export type GroupKey = string | number | boolean | null;

interface GroupCounts {
  rows: number;
  predictedPositive: number;
  positives: number;
  truePositives: number;
  negatives: number;
  falsePositives: number;
}

function countByGroup(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, groups: ArrayLike<GroupKey>): GroupCounts[] {
  checkSameLength(yTrue, yPred);
  checkSameLength(yPred, groups);
  const byGroup = new Map<GroupKey, GroupCounts>();
  for (let i = 0; i < yPred.length; i++) {
    const key = groups[i] ?? null;
    let counts = byGroup.get(key);
    if (!counts) {
      counts = { rows: 0, predictedPositive: 0, positives: 0, truePositives: 0, negatives: 0, falsePositives: 0 };
      byGroup.set(key, counts);
    }
    const predicted = yPred[i] === 1;
    counts.rows++;
    if (predicted) counts.predictedPositive++;
    if (yTrue[i] === 1) {
      counts.positives++;
      if (predicted) counts.truePositives++;
    } else {
      counts.negatives++;
      if (predicted) counts.falsePositives++;
    }
  }
  return [...byGroup.values()];
}

function spread(values: number[]): number {
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
}

const rate = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Largest difference in selection rate P(ŷ = 1) between groups. */
export function demographicParityDifference(yPred: ArrayLike<number>, groups: ArrayLike<GroupKey>): number {
  return spread(countByGroup(yPred, yPred, groups).map((g) => rate(g.predictedPositive, g.rows)));
}

/** max(difference in true-positive rate, difference in false-positive rate) between groups. */
export function equalizedOddsDifference(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, groups: ArrayLike<GroupKey>): number {
  const counts = countByGroup(yTrue, yPred, groups);
  const tpr = spread(counts.map((g) => rate(g.truePositives, g.positives)));
  const fpr = spread(counts.map((g) => rate(g.falsePositives, g.negatives)));
  return Math.max(tpr, fpr);
}
