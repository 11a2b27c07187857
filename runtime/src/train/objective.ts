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
import { accumulateChunk, chunkStride, LOSS_CODE, type KernelData } from "./objective-kernel.js";
import { ObjectiveThreads } from "./objective-threads.js";

export type LossKind = "squared" | "logistic" | "multinomial";

export interface Problem {
  loss: LossKind;
  x: Float32Array;
  y: Float64Array;
  nRows: number;
  nCols: number;
  /** Outputs per row: 1 (squared, logistic) or the number of classes. */
  nOutputs: number;
  scaling: ColumnScaling;
  l2: number;
  /** The full passes' data and, when they share them, the helper threads (`startThreads`). */
  kernel: KernelData;
  threads: ObjectiveThreads | null;
}

/** Values (rows × columns × outputs) per chunk of a full pass: a few MB of rows, ~30 chunks for 1M × 20. */
const CHUNK_VALUES = 1 << 19;

export function makeProblem(fields: Omit<Problem, "kernel" | "threads">): Problem {
  const { x, y, nRows, nCols, nOutputs } = fields;
  const chunkRows = Math.max(1, Math.floor(CHUNK_VALUES / (nCols * nOutputs || 1)));
  const kernel: KernelData = {
    loss: LOSS_CODE[fields.loss],
    x,
    y,
    firstRow: 0,
    nCols,
    nOutputs,
    mean: fields.scaling.mean,
    params: new Float64Array((nCols + 1) * nOutputs),
    partials: new Float64Array(Math.ceil(nRows / chunkRows) * chunkStride(nCols, nOutputs)),
    chunkRows,
    count: nRows,
    rows: null,
  };
  return { ...fields, kernel, threads: null };
}

/**
 * Starts `helpers` threads that share the problem's full passes (`stopThreads` ends them). The
 * objective's values do not depend on the thread count.
 */
export function startThreads(problem: Problem, helpers: number): void {
  if (helpers < 1 || problem.threads) return;
  problem.threads = new ObjectiveThreads(problem.kernel, chunkCount(problem.kernel), helpers);
  problem.kernel = problem.threads.kernel;
}

export function stopThreads(problem: Problem): void {
  problem.threads?.close();
  problem.threads = null;
}

export function parameterCount(problem: Problem): number {
  return (problem.nCols + 1) * problem.nOutputs;
}

/**
 * Objective at θ over `rows` (all rows when omitted); writes its gradient into `gradient`.
 * The data term is averaged over the rows used; the penalty is added once.
 */
export function evaluateObjective(problem: Problem, theta: Float64Array, gradient: Float64Array, rows?: Int32Array): number {
  const count = rows ? rows.length : problem.nRows;
  setParams(problem, theta);
  const dataLoss = sumChunks(problem, dataTerm(problem, rows), gradient);
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
 * The kernel's parameters at θ. Single output: f = c + Σ (x_j - mean_j) w_j is evaluated as
 * (c - Σ mean_j w_j) + Σ x_j w_j, one multiply-add per value. Multinomial: w = v / scale, c.
 */
function setParams(problem: Problem, theta: Float64Array): void {
  const { nCols, nOutputs: k, scaling } = problem;
  const params = problem.kernel.params;
  if (k === 1) {
    let c = theta[nCols]!;
    for (let j = 0; j < nCols; j++) {
      params[j] = theta[j]! / scaling.scale[j]!;
      c -= scaling.mean[j]! * params[j]!;
    }
    params[nCols] = c;
    return;
  }
  for (let j = 0; j < nCols; j++) for (let c = 0; c < k; c++) params[j * k + c] = theta[j * k + c]! / scaling.scale[j]!;
  for (let c = 0; c < k; c++) params[nCols * k + c] = theta[nCols * k + c]!;
}

/** Every chunk's partial sums: the shared pass over all rows, or this thread over the subset. */
function dataTerm(problem: Problem, rows: Int32Array | undefined): { partials: Float64Array; chunks: number } {
  const kernel = problem.kernel;
  if (!rows) {
    if (problem.threads) return { partials: problem.threads.run(), chunks: chunkCount(kernel) };
    for (let chunk = 0; chunk < chunkCount(kernel); chunk++) accumulateChunk(kernel, chunk);
    return { partials: kernel.partials, chunks: chunkCount(kernel) };
  }
  const subset: KernelData = {
    ...kernel,
    rows,
    count: rows.length,
    chunkRows: Math.max(1, rows.length),
    partials: new Float64Array(chunkStride(kernel.nCols, kernel.nOutputs)),
  };
  accumulateChunk(subset, 0);
  return { partials: subset.partials, chunks: 1 };
}

/**
 * Adds the chunks' partials up in chunk order: returns Σ loss and writes the data term's gradient,
 * Σ r (x_j - mean_j) for weights and Σ r for intercepts (the caller divides by the row count and
 * the column scale).
 */
function sumChunks(problem: Problem, term: { partials: Float64Array; chunks: number }, gradient: Float64Array): number {
  const { partials, chunks } = term;
  const stride = chunkStride(problem.nCols, problem.nOutputs);
  gradient.fill(0);
  let total = 0;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const base = chunk * stride;
    total += partials[base]!;
    for (let p = 0; p < gradient.length; p++) gradient[p]! += partials[base + 1 + p]!;
  }
  if (problem.nOutputs === 1) {
    // the single-output kernel sums r·x on the raw values: Σ r (x_j - mean_j) = Σ r x_j - mean_j Σ r
    const residualSum = gradient[problem.nCols]!;
    for (let j = 0; j < problem.nCols; j++) gradient[j]! -= problem.scaling.mean[j]! * residualSum;
  }
  return total;
}

function chunkCount(kernel: KernelData): number {
  return Math.ceil(kernel.count / kernel.chunkRows);
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
