/**
 * Reference-vs-current histograms of one drift target, for the drift report's pictures: numeric
 * samples in equal-width bins over both samples' range (NaN = missing, counted apart), categorical
 * ones by category (the most frequent first, the rest folded into "other"). Shares, not counts, so
 * samples of different sizes compare.
 */
import type { DriftSample } from "./drift-statistics.js";

export interface Histogram {
  kind: "numeric" | "categorical";
  /** Bin labels: `[lo, hi)` ranges, or category names. */
  labels: string[];
  reference: number[];
  current: number[];
  /** Share of missing values in each sample. */
  missing: { reference: number; current: number };
}

const NUMERIC_BINS = 20;
const MAX_CATEGORIES = 20;

export function histogram(reference: DriftSample, current: DriftSample): Histogram {
  return reference.kind === "numeric" && current.kind === "numeric"
    ? numericHistogram(reference.values, current.values)
    : categoricalHistogram(reference.values as ArrayLike<unknown>, current.values as ArrayLike<unknown>);
}

function numericHistogram(reference: ArrayLike<number>, current: ArrayLike<number>): Histogram {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const values of [reference, current])
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  if (!Number.isFinite(lo)) return { kind: "numeric", labels: [], reference: [], current: [], missing: { reference: 1, current: 1 } };
  const bins = lo === hi ? 1 : NUMERIC_BINS;
  const width = (hi - lo) / bins || 1;
  const count = (values: ArrayLike<number>): { shares: number[]; missing: number } => {
    const counts = new Array<number>(bins).fill(0);
    let missing = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) missing++;
      else counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
    }
    return {
      shares: counts.map((c) => (values.length === 0 ? 0 : c / values.length)),
      missing: values.length === 0 ? 0 : missing / values.length,
    };
  };
  const ref = count(reference);
  const cur = count(current);
  const edge = (k: number): string => String(Number((lo + k * width).toPrecision(4)));
  return {
    kind: "numeric",
    labels: Array.from({ length: bins }, (_, k) => `[${edge(k)}, ${edge(k + 1)})`),
    reference: ref.shares,
    current: cur.shares,
    missing: { reference: ref.missing, current: cur.missing },
  };
}

function categoricalHistogram(reference: ArrayLike<unknown>, current: ArrayLike<unknown>): Histogram {
  const tally = (values: ArrayLike<unknown>): { counts: Map<string, number>; missing: number } => {
    const counts = new Map<string, number>();
    let missing = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) missing++;
      else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
    }
    return { counts, missing };
  };
  const ref = tally(reference);
  const cur = tally(current);
  const total = new Map<string, number>();
  for (const m of [ref.counts, cur.counts]) for (const [k, c] of m) total.set(k, (total.get(k) ?? 0) + c);
  const ordered = [...total.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  const shown = ordered.slice(0, MAX_CATEGORIES);
  const rest = ordered.slice(MAX_CATEGORIES);
  const shares = (t: { counts: Map<string, number> }, n: number): number[] => [
    ...shown.map((k) => (n === 0 ? 0 : (t.counts.get(k) ?? 0) / n)),
    ...(rest.length > 0 ? [n === 0 ? 0 : rest.reduce((s, k) => s + (t.counts.get(k) ?? 0), 0) / n] : []),
  ];
  return {
    kind: "categorical",
    labels: [...shown, ...(rest.length > 0 ? [`other (${rest.length})`] : [])],
    reference: shares(ref, reference.length),
    current: shares(cur, current.length),
    missing: {
      reference: reference.length === 0 ? 0 : ref.missing / reference.length,
      current: current.length === 0 ? 0 : cur.missing / current.length,
    },
  };
}
