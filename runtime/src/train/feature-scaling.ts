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

export function columnScaling(x: Float32Array, nRows: number, nCols: number): ColumnScaling {
  const mean = new Float64Array(nCols);
  const scale = new Float64Array(nCols);
  for (let i = 0; i < nRows; i++) {
    const offset = i * nCols;
    for (let j = 0; j < nCols; j++) mean[j]! += x[offset + j]!;
  }
  for (let j = 0; j < nCols; j++) mean[j] = nRows > 0 ? mean[j]! / nRows : 0;
  for (let i = 0; i < nRows; i++) {
    const offset = i * nCols;
    for (let j = 0; j < nCols; j++) {
      const centred = x[offset + j]! - mean[j]!;
      scale[j]! += centred * centred;
    }
  }
  for (let j = 0; j < nCols; j++) {
    const std = nRows > 0 ? Math.sqrt(scale[j]! / nRows) : 0;
    scale[j] = std > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? std : 1;
  }
  return { mean, scale };
}
