/** Latency of an ONNX model, one row at a time, as a gate's `latency_p50/p95/p99` reads it. */
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import { ONNX_INPUT } from "../onnx/linear-models.js";

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

export interface RowLatencyOptions {
  /** Rows measured (evenly spaced over the data). Default 200. */
  maxRows?: number;
  /** Untimed runs first (session warm-up). Default 5. */
  warmup?: number;
  inputName?: string;
}

export interface RowLatency extends LatencyPercentiles {
  samplesMs: Float64Array;
}

/** Times single-row `session.run` calls over up to `maxRows` rows of row-major `x` [nRows, nCols]. */
export async function measureRowLatency(
  session: ort.InferenceSession,
  x: Float32Array,
  nRows: number,
  nCols: number,
  options: RowLatencyOptions = {},
): Promise<RowLatency> {
  const inputName = options.inputName ?? ONNX_INPUT;
  const count = Math.min(nRows, options.maxRows ?? 200);
  const step = count > 0 ? nRows / count : 1;
  const rowTensor = (i: number): ort.Tensor => new ort.Tensor("float32", x.slice(i * nCols, (i + 1) * nCols), [1, nCols]);
  for (let w = 0; w < Math.min(count, options.warmup ?? 5); w++) await session.run({ [inputName]: rowTensor(w) });
  const samplesMs = new Float64Array(count);
  for (let s = 0; s < count; s++) {
    const feeds = { [inputName]: rowTensor(Math.floor(s * step)) };
    const start = performance.now();
    await session.run(feeds);
    samplesMs[s] = performance.now() - start;
  }
  return { samplesMs, ...latencyPercentiles(samplesMs) };
}
