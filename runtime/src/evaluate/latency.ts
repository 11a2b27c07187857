/** Latency percentiles, as a gate's `latency_p50/p95/p99` reads them (samples from `measureGraphLatency`). */
export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Percentiles with linear interpolation between order statistics (numpy's default). NaN when empty. */
export function latencyPercentiles(samplesMs: ArrayLike<number>): LatencyPercentiles {
  const sorted = Float64Array.from(samplesMs).sort();
  return { p50: quantileOfSorted(sorted, 0.5), p95: quantileOfSorted(sorted, 0.95), p99: quantileOfSorted(sorted, 0.99) };
}

export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export interface RowLatency extends LatencyPercentiles {
  samplesMs: Float64Array;
}
