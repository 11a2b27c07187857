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
  /** Row-major [rows, nCols], from row `firstRow` on. */
  x: Float32Array;
  /** The targets from row `firstRow` on. */
  y: Float64Array;
  /** The first row `x` and `y` hold (a helper thread's copy holds only the rows it may take). */
  firstRow: number;
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

/**
 * Squared `½ (f - y)²` or logistic loss; residual r = ∂loss/∂f. Four rows at a time: their dot
 * products are independent chains and each column's sum is read and written once per four rows
 * (twice the speed of one row at a time); the rows left over go one by one.
 */
export function accumulateSingleOutputChunk(data: KernelData, chunk: number): void {
  const { x, y, nCols, params, rows, firstRow } = data;
  const squared = data.loss === 0;
  const begin = chunk * data.chunkRows;
  const end = Math.min(data.count, begin + data.chunkRows);
  const c = params[nCols]!;
  const sums = new Float64Array(nCols);
  let total = 0;
  let residualSum = 0;
  // The logistic loss softplus(f) - y f needs Σ log1p(e) (e = exp(-|f|)): taken as log Π (1 + e)
  // over blocks of 512 rows (each factor is in [1, 2], a block's product below 2^512): one multiply
  // per row instead of a logarithm, relative error ~1e-13.
  let product = 1;
  let r = begin;
  for (; r + 3 < end; r += 4) {
    const ia = (rows === null ? r : rows[r]!) - firstRow;
    const ib = (rows === null ? r + 1 : rows[r + 1]!) - firstRow;
    const ic = (rows === null ? r + 2 : rows[r + 2]!) - firstRow;
    const id = (rows === null ? r + 3 : rows[r + 3]!) - firstRow;
    const oa = ia * nCols;
    const ob = ib * nCols;
    const oc = ic * nCols;
    const od = id * nCols;
    let fa = c;
    let fb = c;
    let fc = c;
    let fd = c;
    for (let j = 0; j < nCols; j++) {
      const w = params[j]!;
      fa += x[oa + j]! * w;
      fb += x[ob + j]! * w;
      fc += x[oc + j]! * w;
      fd += x[od + j]! * w;
    }
    const ta = y[ia]!;
    const tb = y[ib]!;
    const tc = y[ic]!;
    const td = y[id]!;
    let ra: number;
    let rb: number;
    let rc: number;
    let rd: number;
    if (squared) {
      ra = fa - ta;
      rb = fb - tb;
      rc = fc - tc;
      rd = fd - td;
      total += 0.5 * (ra * ra + rb * rb + (rc * rc + rd * rd));
    } else {
      // softplus(f) - y f and sigmoid(f) - y from one exp(-|f|), without overflow
      const ea = Math.exp(-Math.abs(fa));
      const eb = Math.exp(-Math.abs(fb));
      const ec = Math.exp(-Math.abs(fc));
      const ed = Math.exp(-Math.abs(fd));
      const ua = 1 + ea;
      const ub = 1 + eb;
      const uc = 1 + ec;
      const ud = 1 + ed;
      product *= ua * ub * (uc * ud);
      if (((r - begin) & 511) === 508) {
        total += Math.log(product);
        product = 1;
      }
      total += Math.max(fa, 0) - ta * fa + (Math.max(fb, 0) - tb * fb) + (Math.max(fc, 0) - tc * fc + (Math.max(fd, 0) - td * fd));
      ra = (fa >= 0 ? 1 : ea) / ua - ta;
      rb = (fb >= 0 ? 1 : eb) / ub - tb;
      rc = (fc >= 0 ? 1 : ec) / uc - tc;
      rd = (fd >= 0 ? 1 : ed) / ud - td;
    }
    residualSum += ra + rb + (rc + rd);
    for (let j = 0; j < nCols; j++) sums[j]! += ra * x[oa + j]! + rb * x[ob + j]! + (rc * x[oc + j]! + rd * x[od + j]!);
  }
  for (; r < end; r++) {
    const i = (rows === null ? r : rows[r]!) - firstRow;
    const offset = i * nCols;
    let f = c;
    for (let j = 0; j < nCols; j++) f += x[offset + j]! * params[j]!;
    const target = y[i]!;
    let residual: number;
    if (squared) {
      residual = f - target;
      total += 0.5 * residual * residual;
    } else {
      const e = Math.exp(-Math.abs(f));
      const u = 1 + e;
      product *= u;
      total += Math.max(f, 0) - target * f;
      residual = (f >= 0 ? 1 : e) / u - target;
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

/**
 * Multinomial cross-entropy (softmax over K logits); residual r_k = p_k - [y = k]. Four rows at a
 * time, as above: each weight and each gradient sum is touched once per four rows (half the time
 * of one row at a time); the rows left over go one by one.
 */
export function accumulateMultinomialChunk(data: KernelData, chunk: number): void {
  const { x, y, nCols, nOutputs: k, mean, params, rows, firstRow } = data;
  const begin = chunk * data.chunkRows;
  const end = Math.min(data.count, begin + data.chunkRows);
  const interceptOffset = nCols * k;
  const sums = new Float64Array((nCols + 1) * k);
  // four rows' centred values [4, nCols] and logits, then residuals [4, K]
  const centred = new Float64Array(4 * nCols);
  const logits = new Float64Array(4 * k);
  const k2 = 2 * k;
  const k3 = 3 * k;
  let total = 0;
  let r = begin;
  for (; r + 3 < end; r += 4) {
    const ia = (rows === null ? r : rows[r]!) - firstRow;
    const ib = (rows === null ? r + 1 : rows[r + 1]!) - firstRow;
    const ic = (rows === null ? r + 2 : rows[r + 2]!) - firstRow;
    const id = (rows === null ? r + 3 : rows[r + 3]!) - firstRow;
    const oa = ia * nCols;
    const ob = ib * nCols;
    const oc = ic * nCols;
    const od = id * nCols;
    for (let c = 0; c < k; c++) {
      const intercept = params[interceptOffset + c]!;
      logits[c] = intercept;
      logits[k + c] = intercept;
      logits[k2 + c] = intercept;
      logits[k3 + c] = intercept;
    }
    for (let j = 0; j < nCols; j++) {
      const m = mean[j]!;
      const va = x[oa + j]! - m;
      const vb = x[ob + j]! - m;
      const vc = x[oc + j]! - m;
      const vd = x[od + j]! - m;
      centred[j] = va;
      centred[nCols + j] = vb;
      centred[2 * nCols + j] = vc;
      centred[3 * nCols + j] = vd;
      const row = j * k;
      for (let c = 0; c < k; c++) {
        const w = params[row + c]!;
        logits[c]! += va * w;
        logits[k + c]! += vb * w;
        logits[k2 + c]! += vc * w;
        logits[k3 + c]! += vd * w;
      }
    }
    total += softmaxResiduals(logits, 0, k, y[ia]!, sums, interceptOffset);
    total += softmaxResiduals(logits, k, k, y[ib]!, sums, interceptOffset);
    total += softmaxResiduals(logits, k2, k, y[ic]!, sums, interceptOffset);
    total += softmaxResiduals(logits, k3, k, y[id]!, sums, interceptOffset);
    for (let j = 0; j < nCols; j++) {
      const va = centred[j]!;
      const vb = centred[nCols + j]!;
      const vc = centred[2 * nCols + j]!;
      const vd = centred[3 * nCols + j]!;
      const row = j * k;
      for (let c = 0; c < k; c++) {
        sums[row + c]! += va * logits[c]! + vb * logits[k + c]! + (vc * logits[k2 + c]! + vd * logits[k3 + c]!);
      }
    }
  }
  for (; r < end; r++) {
    const i = (rows === null ? r : rows[r]!) - firstRow;
    const offset = i * nCols;
    for (let c = 0; c < k; c++) logits[c] = params[interceptOffset + c]!;
    for (let j = 0; j < nCols; j++) {
      const value = x[offset + j]! - mean[j]!;
      centred[j] = value;
      const row = j * k;
      for (let c = 0; c < k; c++) logits[c]! += value * params[row + c]!;
    }
    total += softmaxResiduals(logits, 0, k, y[i]!, sums, interceptOffset);
    for (let j = 0; j < nCols; j++) {
      const value = centred[j]!;
      const row = j * k;
      for (let c = 0; c < k; c++) sums[row + c]! += value * logits[c]!;
    }
  }
  const out = chunk * (1 + (nCols + 1) * k);
  data.partials[out] = total;
  data.partials.set(sums, out + 1);
}

/**
 * One row's logits `logits[base .. base + k)` become its residuals p_c - [target = c] (softmax
 * with the maximum subtracted); adds them to the intercepts' sums and returns the row's loss.
 */
export function softmaxResiduals(
  logits: Float64Array,
  base: number,
  k: number,
  target: number,
  sums: Float64Array,
  interceptOffset: number,
): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (logits[base + c]! > max) max = logits[base + c]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(logits[base + c]! - max);
    logits[base + c] = e;
    sum += e;
  }
  const targetProbability = logits[base + target]! / sum;
  for (let c = 0; c < k; c++) {
    const residual = logits[base + c]! / sum - (c === target ? 1 : 0);
    logits[base + c] = residual;
    sums[interceptOffset + c]! += residual;
  }
  return -Math.log(targetProbability > 0 ? targetProbability : Number.MIN_VALUE);
}

/** What a helper thread gets: its view of the data, the chunks it may take, the shared control slots. */
export interface HelperData {
  kernel: KernelData;
  /** It may take chunks firstChunk .. chunks - 1 (its copy of the rows starts there). */
  firstChunk: number;
  chunks: number;
  /** GENERATION 0, DONE_CHUNKS 1, STOP 2, FAILED 3 (see `objective-threads.ts`). */
  control: Int32Array;
  /** Per chunk, the generation (pass) that claimed it. */
  claims: Int32Array;
}

/**
 * A helper thread's body: wait for a new pass, claim chunks from the last one down (compare and
 * swap: the caller claims from the first one up), count each one done. Control slots are literals
 * here: the function runs alone in the worker.
 */
export function helperLoop(helper: HelperData): void {
  const { kernel, firstChunk, chunks, control, claims } = helper;
  let seen = 0;
  for (;;) {
    Atomics.wait(control, 0, seen);
    const generation = Atomics.load(control, 0);
    seen = generation;
    if (Atomics.load(control, 2) !== 0) return;
    for (let chunk = chunks - 1; chunk >= firstChunk; chunk--) {
      if (Atomics.compareExchange(claims, chunk, generation - 1, generation) !== generation - 1) continue;
      try {
        accumulateChunk(kernel, chunk);
      } catch {
        Atomics.store(control, 3, 1);
        Atomics.notify(control, 1);
        return;
      }
      Atomics.add(control, 1, 1);
      Atomics.notify(control, 1);
    }
  }
}
