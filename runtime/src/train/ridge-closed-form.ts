/**
 * Ridge regression by the normal equations in the scaled parametrisation:
 * (Zᵀ Z / n + l2 · diag(1 / scale²)) v = Zᵀ (y - ȳ) / n, c = ȳ, with Z the centred, scaled columns.
 * The same objective as `objective.ts` with the squared loss, solved exactly (Cholesky).
 */
import type { Problem } from "./objective.js";

export function solveRidge(problem: Problem): Float64Array {
  const { x, y, nRows, nCols: d, scaling, l2 } = problem;
  let yMean = 0;
  for (let i = 0; i < nRows; i++) yMean += y[i]!;
  yMean = nRows > 0 ? yMean / nRows : 0;

  const gram = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  const z = new Float64Array(d);
  for (let i = 0; i < nRows; i++) {
    const offset = i * d;
    for (let j = 0; j < d; j++) z[j] = (x[offset + j]! - scaling.mean[j]!) / scaling.scale[j]!;
    const target = y[i]! - yMean;
    for (let a = 0; a < d; a++) {
      const za = z[a]!;
      if (za === 0) continue;
      rhs[a]! += za * target;
      const row = a * d;
      for (let b = a; b < d; b++) gram[row + b]! += za * z[b]!;
    }
  }
  const inverseN = nRows > 0 ? 1 / nRows : 0;
  for (let a = 0; a < d; a++) {
    rhs[a]! *= inverseN;
    for (let b = a; b < d; b++) {
      const value = gram[a * d + b]! * inverseN;
      gram[a * d + b] = value;
      gram[b * d + a] = value;
    }
    gram[a * d + a]! += l2 / (scaling.scale[a]! * scaling.scale[a]!);
  }
  // a column that is constant on the training rows carries no information: weight 0
  for (let a = 0; a < d; a++) if (gram[a * d + a] === 0) gram[a * d + a] = 1;
  const v = solveSymmetricPositive(gram, rhs, d);
  const theta = new Float64Array(d + 1);
  theta.set(v);
  theta[d] = yMean;
  return theta;
}

/**
 * Cholesky solve of A v = b. A singular A (collinear columns with l2 = 0) gets a
 * tiny ridge (1e-10 of its largest diagonal) so that a solution is still returned.
 */
function solveSymmetricPositive(a: Float64Array, b: Float64Array, d: number): Float64Array {
  let maxDiagonal = 0;
  for (let i = 0; i < d; i++) maxDiagonal = Math.max(maxDiagonal, a[i * d + i]!);
  let jitter = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    const factor = cholesky(a, d, jitter);
    if (factor) return substitute(factor, b, d);
    jitter = jitter === 0 ? Math.max(maxDiagonal, 1) * 1e-10 : jitter * 100;
  }
  throw new Error("ridge regression: the normal equations could not be solved");
}

function cholesky(a: Float64Array, d: number, jitter: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j]! + (i === j ? jitter : 0);
      for (let k = 0; k < j; k++) sum -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(sum > 1e-13 * Math.max(1, a[i * d + i]!))) return null;
        l[i * d + i] = Math.sqrt(sum);
      } else {
        l[i * d + j] = sum / l[j * d + j]!;
      }
    }
  }
  return l;
}

function substitute(l: Float64Array, b: Float64Array, d: number): Float64Array {
  const forward = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * d + k]! * forward[k]!;
    forward[i] = sum / l[i * d + i]!;
  }
  const v = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let sum = forward[i]!;
    for (let k = i + 1; k < d; k++) sum -= l[k * d + i]! * v[k]!;
    v[i] = sum / l[i * d + i]!;
  }
  return v;
}
