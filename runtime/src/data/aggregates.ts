import type { Column } from "./dataset.js";

/**
 * Dataset aggregates for expectations and summaries. Nulls are skipped by every aggregate
 * except `nullRate`; an aggregate over no values is null.
 * - `distinctCount`: distinct non-null values.
 * - `duplicateRate`: share of all rows whose non-null value occurs more than once (`[a, a, b]` → 2/3).
 * - `stddev`: sample standard deviation (n - 1), like pandas.
 * - `quantile`: linear interpolation between closest ranks (numpy's default).
 * Bools count as 0/1; timestamps are epoch ms and dates epoch days.
 */
export function nullRate(column: Column, rowCount: number): number | null {
  if (rowCount === 0) return null;
  return nullCount(column) / rowCount;
}

export function nullCount(column: Column): number {
  let n = 0;
  for (let i = 0; i < column.nulls.length; i++) n += column.nulls[i]!;
  return n;
}

export function distinctCount(column: Column): number {
  if (column.storage === "string") {
    const used = new Uint8Array(column.dictionary.length);
    let n = 0;
    for (let i = 0; i < column.codes.length; i++) {
      if (column.nulls[i] === 1) continue;
      const code = column.codes[i]!;
      if (used[code] === 0) {
        used[code] = 1;
        n++;
      }
    }
    return n;
  }
  const seen = new Set<number>();
  for (let i = 0; i < column.values.length; i++) if (column.nulls[i] === 0) seen.add(column.values[i]!);
  return seen.size;
}

export function duplicateRate(column: Column, rowCount: number): number | null {
  if (rowCount === 0) return null;
  let repeated = 0;
  for (const { count } of valueCounts(column)) if (count > 1) repeated += count;
  return repeated / rowCount;
}

/** The non-null values of a numeric or bool column. */
export function numericValues(column: Column): Float64Array {
  if (column.storage === "string") throw new Error(`column ${column.name} is not numeric`);
  const out = new Float64Array(column.values.length - nullCount(column));
  let k = 0;
  for (let i = 0; i < column.values.length; i++) if (column.nulls[i] === 0) out[k++] = column.values[i]!;
  return out;
}

export function mean(values: Float64Array): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function stddev(values: Float64Array): number | null {
  if (values.length < 2) return null;
  const m = mean(values)!;
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

export function min(values: Float64Array): number | null {
  if (values.length === 0) return null;
  let m = Infinity;
  for (const v of values) if (v < m) m = v;
  return m;
}

export function max(values: Float64Array): number | null {
  if (values.length === 0) return null;
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

/** `sorted` ascending; `q` in 0..1. */
export function quantileSorted(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}

export function quantile(values: Float64Array, q: number): number | null {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

/** Counts of each non-null value of a string/enum/bool column, most frequent first (ties by value). */
export function valueCounts(column: Column): Array<{ value: string; count: number }> {
  const counts = new Map<string, number>();
  for (let i = 0; i < column.nulls.length; i++) {
    if (column.nulls[i] === 1) continue;
    const key =
      column.storage === "string"
        ? column.dictionary[column.codes[i]!]!
        : column.storage === "bool"
          ? String(column.values[i] === 1)
          : String(column.values[i]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
