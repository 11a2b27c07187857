/** Metrics on predicted probabilities, as scikit-learn's `log_loss` and `brier_score_loss`. */
import { checkSameLength } from "./confusion-counts.js";

const FLOAT32_EPSILON = 2 ** -23;
const FLOAT64_EPSILON = 2 ** -52;

/** scikit-learn's `eps="auto"`: the machine epsilon of the probabilities' own type. */
function epsilonFor(values: ArrayLike<number>): number {
  return values instanceof Float32Array ? FLOAT32_EPSILON : FLOAT64_EPSILON;
}

/** Binary log loss from P(positive): probabilities clipped to [eps, 1 - eps]. */
export function binaryLogLoss(yTrue: ArrayLike<number>, positiveProbability: ArrayLike<number>): number {
  checkSameLength(yTrue, positiveProbability);
  const eps = epsilonFor(positiveProbability);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, positiveProbability[i]!));
    total -= yTrue[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / yTrue.length;
}

/**
 * Multiclass log loss from row-major probabilities [N, K] (labels 0..K-1):
 * clipped to [eps, 1 - eps], each row renormalised to sum 1, mean of -log p(true class).
 */
export function multiclassLogLoss(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>, nClasses: number): number {
  if (probabilities.length !== yTrue.length * nClasses) {
    throw new Error(`log_loss: ${probabilities.length} probabilities for ${yTrue.length} rows × ${nClasses} classes`);
  }
  const eps = epsilonFor(probabilities);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    let rowSum = 0;
    for (let k = 0; k < nClasses; k++) rowSum += Math.min(1 - eps, Math.max(eps, probabilities[i * nClasses + k]!));
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i * nClasses + yTrue[i]!]!));
    total -= Math.log(p / rowSum);
  }
  return total / yTrue.length;
}

/** Mean squared difference between P(positive) and the 0/1 outcome. */
export function brierScore(yTrue: ArrayLike<number>, positiveProbability: ArrayLike<number>): number {
  checkSameLength(yTrue, positiveProbability);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = positiveProbability[i]! - (yTrue[i] === 1 ? 1 : 0);
    total += d * d;
  }
  return total / yTrue.length;
}
