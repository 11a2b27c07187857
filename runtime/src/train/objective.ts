/**
 * Regularised empirical risk of the built-in linear models, evaluated in the
 * scaled parametrisation without copying the data.
 *
 * Parameters θ: v (row-major [D, K]) then c ([K]). With z_j = (x_j - mean_j) / scale_j
 * the model computes f_k(x) = c_k + Σ_j z_j v_jk, i.e. raw weights w_jk = v_jk / scale_j.
 *
 * objective = (1 / n) Σ_i loss(f(x_i), y_i) + (l2 / 2) Σ_jk w_jk²
 * (the penalty is on the raw weights, the intercept is not penalised, as in scikit-learn:
 * C = 1 / (n · l2) for LogisticRegression, alpha = n · l2 for Ridge).
 * Losses: squared `½ (f - y)²`, logistic (y in {0, 1}), multinomial cross-entropy (y in 0..K-1).
 */
import type { ColumnScaling } from "./feature-scaling.js";

export type LossKind = "squared" | "logistic" | "multinomial";

export interface Problem {
  loss: LossKind;
  x: Float32Array;
  y: ArrayLike<number>;
  nRows: number;
  nCols: number;
  /** Outputs per row: 1 (squared, logistic) or the number of classes. */
  nOutputs: number;
  scaling: ColumnScaling;
  l2: number;
}

export function parameterCount(problem: Problem): number {
  return (problem.nCols + 1) * problem.nOutputs;
}

/**
 * Objective at θ over `rows` (all rows when omitted); writes its gradient into `gradient`.
 * The data term is averaged over the rows used; the penalty is added once.
 */
export function evaluateObjective(problem: Problem, theta: Float64Array, gradient: Float64Array, rows?: Int32Array): number {
  gradient.fill(0);
  const count = rows ? rows.length : problem.nRows;
  const dataLoss =
    problem.nOutputs === 1 ? accumulateSingleOutput(problem, theta, gradient, rows) : accumulateMultinomial(problem, theta, gradient, rows);
  const { nCols, nOutputs, l2, scaling } = problem;
  const inverseCount = count > 0 ? 1 / count : 0;
  let penalty = 0;
  for (let j = 0; j < nCols; j++) {
    const s = scaling.scale[j]!;
    for (let k = 0; k < nOutputs; k++) {
      const index = j * nOutputs + k;
      const w = theta[index]! / s;
      penalty += w * w;
      gradient[index] = (gradient[index]! * inverseCount) / s + (l2 * w) / s;
    }
  }
  for (let k = 0; k < nOutputs; k++) gradient[nCols * nOutputs + k]! *= inverseCount;
  return dataLoss * inverseCount + 0.5 * l2 * penalty;
}

/**
 * Accumulates Σ loss and, in `gradient`, Σ r_i (x_ij - mean_j) for weights and Σ r_i for the intercept
 * (r = ∂loss/∂f); the caller divides by the row count and the column scale.
 */
function accumulateSingleOutput(problem: Problem, theta: Float64Array, gradient: Float64Array, rows: Int32Array | undefined): number {
  const { x, y, nCols, scaling, loss } = problem;
  const mean = scaling.mean;
  // f = c + Σ (x_j - mean_j) w_j evaluated as (c - Σ mean_j w_j) + Σ x_j w_j: one multiply-add per value
  const w = new Float64Array(nCols);
  let c = theta[nCols]!;
  for (let j = 0; j < nCols; j++) {
    w[j] = theta[j]! / scaling.scale[j]!;
    c -= mean[j]! * w[j]!;
  }
  const count = rows ? rows.length : problem.nRows;
  const logistic = loss === "logistic";
  const raw = new Float64Array(nCols);
  let total = 0;
  let residualSum = 0;
  // Σ log1p(e) taken as log Π (1 + e) over blocks of 512 rows (each factor is in [1, 2], so a
  // block cannot overflow): one multiply per row instead of a logarithm, relative error ~1e-13.
  let product = 1;
  for (let r = 0; r < count; r++) {
    const i = rows ? rows[r]! : r;
    const offset = i * nCols;
    let f = c;
    for (let j = 0; j < nCols; j++) f += x[offset + j]! * w[j]!;
    const target = y[i]!;
    let residual: number;
    if (logistic) {
      // softplus(f) - y f and sigmoid(f) - y from one exp(-|f|), without overflow
      const e = Math.exp(-Math.abs(f));
      const u = 1 + e;
      product *= u;
      if ((r & 511) === 511) {
        total += Math.log(product);
        product = 1;
      }
      total += Math.max(f, 0) - target * f;
      residual = (f >= 0 ? 1 : e) / u - target;
    } else {
      residual = f - target;
      total += 0.5 * residual * residual;
    }
    residualSum += residual;
    for (let j = 0; j < nCols; j++) raw[j]! += residual * x[offset + j]!;
  }
  total += Math.log(product);
  // Σ r (x_j - mean_j) = Σ r x_j - mean_j Σ r
  for (let j = 0; j < nCols; j++) gradient[j] = raw[j]! - mean[j]! * residualSum;
  gradient[nCols] = residualSum;
  return total;
}

function accumulateMultinomial(problem: Problem, theta: Float64Array, gradient: Float64Array, rows: Int32Array | undefined): number {
  const { x, y, nCols, nOutputs: k, scaling } = problem;
  const mean = scaling.mean;
  const w = new Float64Array(nCols * k);
  for (let j = 0; j < nCols; j++) for (let c = 0; c < k; c++) w[j * k + c] = theta[j * k + c]! / scaling.scale[j]!;
  const interceptOffset = nCols * k;
  const centred = new Float64Array(nCols);
  const logits = new Float64Array(k);
  const count = rows ? rows.length : problem.nRows;
  let total = 0;
  for (let r = 0; r < count; r++) {
    const i = rows ? rows[r]! : r;
    const offset = i * nCols;
    for (let c = 0; c < k; c++) logits[c] = theta[interceptOffset + c]!;
    for (let j = 0; j < nCols; j++) {
      const value = x[offset + j]! - mean[j]!;
      centred[j] = value;
      if (value === 0) continue;
      const row = j * k;
      for (let c = 0; c < k; c++) logits[c]! += value * w[row + c]!;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) if (logits[c]! > max) max = logits[c]!;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      logits[c] = Math.exp(logits[c]! - max);
      sum += logits[c]!;
    }
    const target = y[i]!;
    const targetProbability = logits[target]! / sum;
    total += -Math.log(targetProbability > 0 ? targetProbability : Number.MIN_VALUE);
    for (let c = 0; c < k; c++) {
      const residual = logits[c]! / sum - (c === target ? 1 : 0);
      logits[c] = residual;
      gradient[interceptOffset + c]! += residual;
    }
    for (let j = 0; j < nCols; j++) {
      const value = centred[j]!;
      if (value === 0) continue;
      const row = j * k;
      for (let c = 0; c < k; c++) gradient[row + c]! += value * logits[c]!;
    }
  }
  return total;
}

/** Raw (caller-space) weights [D, K] and intercepts [K] from θ. */
export function foldScaling(problem: Problem, theta: Float64Array): { weights: Float64Array; intercepts: Float64Array } {
  const { nCols, nOutputs: k, scaling } = problem;
  const weights = new Float64Array(nCols * k);
  const intercepts = new Float64Array(k);
  for (let c = 0; c < k; c++) intercepts[c] = theta[nCols * k + c]!;
  for (let j = 0; j < nCols; j++) {
    for (let c = 0; c < k; c++) {
      const w = theta[j * k + c]! / scaling.scale[j]!;
      weights[j * k + c] = w;
      intercepts[c]! -= w * scaling.mean[j]!;
    }
  }
  return { weights, intercepts };
}
