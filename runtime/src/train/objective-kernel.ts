/**
 * The hot loop of the built-in trainers: the data term of `objective.ts` over one chunk of rows,
 * written into that chunk's slot of `partials`. The rows are cut into fixed chunks (by shape only)
 * and the caller adds the slots up in chunk order, so the objective is bit-identical whichever
 * thread computed which chunk, and however many threads there were.
 *
 * These functions are also the body of the helper threads (`objective-threads.ts` sends their
 * source text): they must stay self-contained, referring to nothing outside their own parameters.
 */

export const LOSS_CODE = { squared: 0, logistic: 1, multinomial: 2 } as const;

/** Everything a chunk reads and writes; in shared memory when helper threads take part. */
export interface KernelData {
  /** `LOSS_CODE` */
  loss: number;
  /** Row-major [nRows, nCols]. */
  x: Float32Array;
  y: Float64Array;
  nCols: number;
  nOutputs: number;
  /** Column means (multinomial centres values on them). */
  mean: Float64Array;
  /**
   * Set before each evaluation. Single output: raw-space weights [nCols] then the folded
   * intercept (f = c + Σ x_j w_j). Multinomial: scaled weights / scale [nCols, K], intercepts [K].
   */
  params: Float64Array;
  /** Per chunk, `chunkStride` values: Σ loss, Σ r·x (single output: raw x; multinomial: centred) [nCols·K], Σ r [K]. */
  partials: Float64Array;
  chunkRows: number;
  /** Rows evaluated: `rows.length` or all rows. */
  count: number;
  /** A subset of rows (mini-batches), or null for all rows in order. */
  rows: Int32Array | null;
}

export function chunkStride(nCols: number, nOutputs: number): number {
  return 1 + (nCols + 1) * nOutputs;
}

/** Computes chunk `chunk` of `data` into its slot of `data.partials`. */
export function accumulateChunk(data: KernelData, chunk: number): void {
  if (data.nOutputs === 1) accumulateSingleOutputChunk(data, chunk);
  else accumulateMultinomialChunk(data, chunk);
}

/** Squared `½ (f - y)²` or logistic loss; residual r = ∂loss/∂f. */
export function accumulateSingleOutputChunk(data: KernelData, chunk: number): void {
  const { x, y, nCols, params, rows } = data;
  const logistic = data.loss === 1;
  const begin = chunk * data.chunkRows;
  const end = Math.min(data.count, begin + data.chunkRows);
  const c = params[nCols]!;
  const sums = new Float64Array(nCols);
  let total = 0;
  let residualSum = 0;
  // Σ log1p(e) taken as log Π (1 + e) over blocks of 512 rows (each factor is in [1, 2], so a
  // block cannot overflow): one multiply per row instead of a logarithm, relative error ~1e-13.
  let product = 1;
  for (let r = begin; r < end; r++) {
    const i = rows === null ? r : rows[r]!;
    const offset = i * nCols;
    let f = c;
    for (let j = 0; j < nCols; j++) f += x[offset + j]! * params[j]!;
    const target = y[i]!;
    let residual: number;
    if (logistic) {
      // softplus(f) - y f and sigmoid(f) - y from one exp(-|f|), without overflow
      const e = Math.exp(-Math.abs(f));
      const u = 1 + e;
      product *= u;
      if (((r - begin) & 511) === 511) {
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
    for (let j = 0; j < nCols; j++) sums[j]! += residual * x[offset + j]!;
  }
  total += Math.log(product);
  const out = chunk * (nCols + 2);
  data.partials[out] = total;
  data.partials.set(sums, out + 1);
  data.partials[out + 1 + nCols] = residualSum;
}

/** Multinomial cross-entropy (softmax over K logits); residual r_k = p_k - [y = k]. */
export function accumulateMultinomialChunk(data: KernelData, chunk: number): void {
  const { x, y, nCols, nOutputs: k, mean, params, rows } = data;
  const begin = chunk * data.chunkRows;
  const end = Math.min(data.count, begin + data.chunkRows);
  const interceptOffset = nCols * k;
  const sums = new Float64Array((nCols + 1) * k);
  const centred = new Float64Array(nCols);
  const logits = new Float64Array(k);
  let total = 0;
  for (let r = begin; r < end; r++) {
    const i = rows === null ? r : rows[r]!;
    const offset = i * nCols;
    for (let c = 0; c < k; c++) logits[c] = params[interceptOffset + c]!;
    for (let j = 0; j < nCols; j++) {
      const value = x[offset + j]! - mean[j]!;
      centred[j] = value;
      if (value === 0) continue;
      const row = j * k;
      for (let c = 0; c < k; c++) logits[c]! += value * params[row + c]!;
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
      sums[interceptOffset + c]! += residual;
    }
    for (let j = 0; j < nCols; j++) {
      const value = centred[j]!;
      if (value === 0) continue;
      const row = j * k;
      for (let c = 0; c < k; c++) sums[row + c]! += value * logits[c]!;
    }
  }
  const out = chunk * (1 + (nCols + 1) * k);
  data.partials[out] = total;
  data.partials.set(sums, out + 1);
}

/**
 * A helper thread's body: wait for a new generation, claim chunks until none is left, count each
 * one done. Control slots are literals here (see `objective-threads.ts`: GENERATION 0,
 * NEXT_CHUNK 1, DONE_CHUNKS 2, STOP 3, FAILED 4).
 */
export function helperLoop(workerData: { data: KernelData; control: Int32Array; chunks: number }): void {
  const { data, control, chunks } = workerData;
  let seen = 0;
  for (;;) {
    Atomics.wait(control, 0, seen);
    seen = Atomics.load(control, 0);
    if (Atomics.load(control, 3) !== 0) return;
    for (;;) {
      const chunk = Atomics.add(control, 1, 1);
      if (chunk >= chunks) break;
      try {
        accumulateChunk(data, chunk);
      } catch {
        Atomics.store(control, 4, 1);
        Atomics.notify(control, 2);
        return;
      }
      Atomics.add(control, 2, 1);
      Atomics.notify(control, 2);
    }
  }
}
