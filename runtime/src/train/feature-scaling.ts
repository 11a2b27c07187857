/**
 * Column means and standard deviations used to train in a well-conditioned
 * parametrisation (centred, unit-variance columns). The exported model works
 * on the caller's columns: the scaling is folded back into the weights.
 */
export interface ColumnScaling {
  mean: Float64Array;
  /** Population standard deviation; 1 for a constant column. */
  scale: Float64Array;
}

/**
 * One pass over the rows: sums of (x - x₀) and (x - x₀)² with x₀ the first row, so the variance
 * suffers no cancellation on columns far from zero and a constant column has exactly zero. A
 * non-finite value makes its column's mean non-finite (the trainer then names the value).
 */
export function columnScaling(x: Float32Array, nRows: number, nCols: number): ColumnScaling {
  const shift = new Float64Array(nCols);
  const sum = new Float64Array(nCols);
  const squares = new Float64Array(nCols);
  if (nRows > 0) for (let j = 0; j < nCols; j++) shift[j] = x[j]!;
  // four rows at a time: each column's sums are read and written once per four rows
  let i = 0;
  for (; i + 3 < nRows; i += 4) {
    const a = i * nCols;
    const b = a + nCols;
    const c = b + nCols;
    const d = c + nCols;
    for (let j = 0; j < nCols; j++) {
      const s = shift[j]!;
      const da = x[a + j]! - s;
      const db = x[b + j]! - s;
      const dc = x[c + j]! - s;
      const dd = x[d + j]! - s;
      sum[j]! += da + db + (dc + dd);
      squares[j]! += da * da + db * db + (dc * dc + dd * dd);
    }
  }
  for (; i < nRows; i++) {
    const offset = i * nCols;
    for (let j = 0; j < nCols; j++) {
      const d = x[offset + j]! - shift[j]!;
      sum[j]! += d;
      squares[j]! += d * d;
    }
  }
  const mean = new Float64Array(nCols);
  const scale = new Float64Array(nCols);
  for (let j = 0; j < nCols; j++) {
    const m = nRows > 0 ? sum[j]! / nRows : 0;
    mean[j] = shift[j]! + m;
    const std = nRows > 0 ? Math.sqrt(Math.max(0, squares[j]! / nRows - m * m)) : 0;
    scale[j] = std > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? std : 1;
  }
  return { mean, scale };
}
