/** Regression metrics as scikit-learn defines them. */
import { checkSameLength } from "./confusion-counts.js";

export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += (yTrue[i]! - yPred[i]!) ** 2;
  return Math.sqrt(total / yTrue.length);
}

export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += Math.abs(yTrue[i]! - yPred[i]!);
  return total / yTrue.length;
}

/**
 * `r2_score` with `force_finite=True`: a constant `yTrue` gives 1 for a perfect
 * prediction and 0 otherwise; NaN with fewer than two rows.
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  const n = yTrue.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let residual = 0;
  let totalVariation = 0;
  for (let i = 0; i < n; i++) {
    residual += (yTrue[i]! - yPred[i]!) ** 2;
    totalVariation += (yTrue[i]! - mean) ** 2;
  }
  if (totalVariation === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / totalVariation;
}

/** `mean_absolute_percentage_error`: a fraction, |y| floored at float64 epsilon. */
export function mape(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  const eps = 2 ** -52;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += Math.abs(yTrue[i]! - yPred[i]!) / Math.max(Math.abs(yTrue[i]!), eps);
  return total / yTrue.length;
}
