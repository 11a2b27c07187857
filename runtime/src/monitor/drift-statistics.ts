/**
 * Drift between a reference sample and a current one, per column (LANGUAGE.md §3).
 * Distances (drift when above the threshold): `psi`, `wasserstein` (normalised by
 * the reference's population std), `jensen_shannon` (distance, base 2).
 * Tests (drift when the p-value is below it): `ks` (numeric), `z_test` (numeric:
 * two-sample z on means; two-valued: two-proportion z), `chi_square` (categorical:
 * test of independence on the 2 × C table of counts, as scipy's `chi2_contingency`
 * with Yates' correction when it has one degree of freedom).
 * Numeric samples drop NaN (missing); categorical samples keep null as a category.
 */
import type { Comparison, DriftMethod, DriftRule } from "@mlops/compiler";
import { ksTwoSample } from "./kolmogorov-smirnov.js";
import { chiSquareSurvival, normalTwoSided } from "./special-functions.js";

export type CategoryValue = string | number | boolean | null;

export type DriftSample = { kind: "numeric"; values: ArrayLike<number> } | { kind: "categorical"; values: ArrayLike<CategoryValue> };

export type ConcreteDriftMethod = Exclude<DriftMethod, "auto">;

export interface DriftStatistic {
  method: ConcreteDriftMethod;
  /** What a rule compares: the distance, or the p-value of a test. */
  value: number;
  /** The distance itself, or the test statistic (D, z, χ²). */
  statistic: number;
  pValue?: number;
  driftsWhen: "above" | "below";
}

/** Bins used by PSI and numeric Jensen–Shannon: deciles of the reference. */
export const DRIFT_BINS = 10;
/** Proportion used in place of 0 in PSI (an empty bin on either side). */
export const PSI_EPSILON = 1e-4;

export function driftStatistic(method: ConcreteDriftMethod, reference: DriftSample, current: DriftSample): DriftStatistic {
  if (reference.kind !== current.kind) throw new Error(`drift: reference is ${reference.kind} but current is ${current.kind}`);
  switch (method) {
    case "psi":
      return distance(method, populationStabilityIndex(reference, current));
    case "jensen_shannon":
      return distance(method, jensenShannonDistance(reference, current));
    case "wasserstein":
      return distance(method, normalisedWasserstein(numeric(reference, method), numeric(current, method)));
    case "ks": {
      const result = ksTwoSample(numeric(reference, method), numeric(current, method));
      return test(method, result.statistic, result.pValue);
    }
    case "z_test": {
      const result =
        reference.kind === "numeric"
          ? twoSampleZTest(clean(reference.values), clean(current.values as ArrayLike<number>))
          : twoProportionZTest(reference.values, current.values as ArrayLike<CategoryValue>);
      return test(method, result.statistic, result.pValue);
    }
    case "chi_square": {
      if (reference.kind !== "categorical") throw new Error("chi_square needs a categorical column");
      const result = chiSquareTest(reference.values, current.values as ArrayLike<CategoryValue>);
      return test(method, result.statistic, result.pValue);
    }
  }
}

export interface AutoDriftChoice {
  method: ConcreteDriftMethod;
  comparison: Comparison;
  threshold: number;
  driftsWhen: "above" | "below";
}

/**
 * `auto`: with a reference of at most 1000 rows, KS (numeric) or chi-square
 * (categorical) with p < 0.05; larger, normalised Wasserstein (numeric) or
 * Jensen–Shannon (categorical) with ≥ 0.1.
 */
export function autoDriftMethod(kind: DriftSample["kind"], referenceRows: number): AutoDriftChoice {
  if (referenceRows <= 1000) {
    return { method: kind === "numeric" ? "ks" : "chi_square", comparison: "<", threshold: 0.05, driftsWhen: "below" };
  }
  return { method: kind === "numeric" ? "wasserstein" : "jensen_shannon", comparison: ">=", threshold: 0.1, driftsWhen: "above" };
}

export interface DriftRuleResult extends DriftStatistic {
  comparison: Comparison;
  threshold: number;
  drifted: boolean;
}

/** Evaluates one rule of a monitor (its `auto` resolved for this column and reference size). */
export function evaluateDriftRule(
  rule: Pick<DriftRule, "method" | "comparison" | "threshold">,
  reference: DriftSample,
  current: DriftSample,
): DriftRuleResult {
  const choice: AutoDriftChoice =
    rule.method === "auto"
      ? autoDriftMethod(reference.kind, reference.values.length)
      : {
          method: rule.method,
          comparison: rule.comparison,
          threshold: rule.threshold,
          driftsWhen: isTest(rule.method) ? "below" : "above",
        };
  const result = driftStatistic(choice.method, reference, current);
  const drifted = compare(result.value, choice.comparison, choice.threshold);
  return { ...result, comparison: choice.comparison, threshold: choice.threshold, drifted };
}

function isTest(method: ConcreteDriftMethod): boolean {
  return method === "ks" || method === "z_test" || method === "chi_square";
}

function compare(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
}

const distance = (method: ConcreteDriftMethod, value: number): DriftStatistic => ({ method, value, statistic: value, driftsWhen: "above" });
const test = (method: ConcreteDriftMethod, statistic: number, pValue: number): DriftStatistic => ({
  method,
  value: pValue,
  statistic,
  pValue,
  driftsWhen: "below",
});

function numeric(sample: DriftSample, method: string): Float64Array {
  if (sample.kind !== "numeric") throw new Error(`${method} needs a numeric column`);
  return clean(sample.values);
}

function clean(values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) out.push(values[i]!);
  return Float64Array.from(out);
}

// ------------------------------------------------------------------ distributions over bins

/** Shares of each bin (numeric: reference-decile bins) or category (union of both samples, sorted). */
function sharedHistograms(reference: DriftSample, current: DriftSample): { reference: Float64Array; current: Float64Array } {
  if (reference.kind === "numeric" && current.kind === "numeric") {
    const ref = clean(reference.values);
    const cur = clean(current.values);
    const edges = quantileEdges(ref, DRIFT_BINS);
    return { reference: binShares(ref, edges), current: binShares(cur, edges) };
  }
  const refCounts = countCategories(reference.values as ArrayLike<CategoryValue>);
  const curCounts = countCategories(current.values as ArrayLike<CategoryValue>);
  const categories = sortedCategories([...refCounts.keys(), ...curCounts.keys()]);
  const shares = (counts: Map<CategoryValue, number>, total: number): Float64Array =>
    Float64Array.from(categories, (c) => (total === 0 ? 0 : (counts.get(c) ?? 0) / total));
  return { reference: shares(refCounts, reference.values.length), current: shares(curCounts, current.values.length) };
}

/** Distinct interior cut points at the reference's 1/bins ... (bins-1)/bins quantiles. */
export function quantileEdges(sample: Float64Array, bins: number): Float64Array {
  const sorted = Float64Array.from(sample).sort();
  const edges: number[] = [];
  if (sorted.length === 0) return new Float64Array();
  for (let k = 1; k < bins; k++) {
    const position = (k / bins) * (sorted.length - 1);
    const lower = Math.floor(position);
    const upper = Math.min(sorted.length - 1, lower + 1);
    const edge = sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return Float64Array.from(edges);
}

/** Bins (-∞, e1], (e1, e2], ..., (ek, ∞). */
function binShares(values: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  for (const v of values) {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]!++;
  }
  if (values.length > 0) for (let i = 0; i < counts.length; i++) counts[i]! /= values.length;
  return counts;
}

function countCategories(values: ArrayLike<CategoryValue>): Map<CategoryValue, number> {
  const counts = new Map<CategoryValue, number>();
  for (let i = 0; i < values.length; i++) {
    const key = values[i] ?? null;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function sortedCategories(keys: CategoryValue[]): CategoryValue[] {
  const label = (v: CategoryValue): string => `${typeof v}:${String(v)}`;
  return [...new Map(keys.map((k) => [label(k), k])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

/** PSI = Σ (c - r) · ln(c / r) over shared bins, shares below PSI_EPSILON raised to it. */
export function populationStabilityIndex(reference: DriftSample, current: DriftSample): number {
  const h = sharedHistograms(reference, current);
  let psi = 0;
  for (let i = 0; i < h.reference.length; i++) {
    const r = Math.max(h.reference[i]!, PSI_EPSILON);
    const c = Math.max(h.current[i]!, PSI_EPSILON);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/** √JS-divergence in base 2 (scipy's `jensenshannon(p, q, base=2)`), in [0, 1]. */
export function jensenShannonDistance(reference: DriftSample, current: DriftSample): number {
  const { reference: p, current: q } = sharedHistograms(reference, current);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) divergence += 0.5 * p[i]! * Math.log2(p[i]! / m);
    if (q[i]! > 0) divergence += 0.5 * q[i]! * Math.log2(q[i]! / m);
  }
  return Math.sqrt(Math.max(0, divergence));
}

// ------------------------------------------------------------------ numeric distances and tests

/** Wasserstein-1 = ∫ |F_u - F_v| (scipy's `wasserstein_distance`). */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const a = Float64Array.from(u).sort();
  const b = Float64Array.from(v).sort();
  if (a.length === 0 || b.length === 0) throw new Error("wasserstein: both samples need at least one value");
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0]!, b[0]!);
  let total = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    total += Math.abs(i / a.length - j / b.length) * (x - previous);
    previous = x;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
  }
  return total;
}

/** Wasserstein-1 divided by the reference's population std (the raw distance for a constant reference). */
export function normalisedWasserstein(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const raw = wassersteinDistance(reference, current);
  const std = populationStd(reference);
  return std > 0 ? raw / std : raw;
}

function populationStd(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - mean) ** 2;
  return Math.sqrt(sum / values.length);
}

export interface TestResult {
  statistic: number;
  pValue: number;
}

/** z = (mean_cur - mean_ref) / √(s²_ref/n_ref + s²_cur/n_cur) with sample variances; two-sided. */
export function twoSampleZTest(reference: ArrayLike<number>, current: ArrayLike<number>): TestResult {
  const summary = (values: ArrayLike<number>): { n: number; mean: number; variance: number } => {
    const n = values.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += values[i]!;
    mean /= n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (values[i]! - mean) ** 2;
    return { n, mean, variance: n > 1 ? sum / (n - 1) : 0 };
  };
  const r = summary(reference);
  const c = summary(current);
  if (r.n === 0 || c.n === 0) throw new Error("z_test: both samples need at least one value");
  const se = Math.sqrt(r.variance / r.n + c.variance / c.n);
  if (se === 0) return r.mean === c.mean ? { statistic: 0, pValue: 1 } : { statistic: Infinity, pValue: 0 };
  const z = (c.mean - r.mean) / se;
  return { statistic: z, pValue: normalTwoSided(z) };
}

/**
 * Two-proportion z-test with the pooled proportion, for a two-valued column:
 * the share of its first value (sorted) in each sample; two-sided.
 */
export function twoProportionZTest(reference: ArrayLike<CategoryValue>, current: ArrayLike<CategoryValue>): TestResult {
  const refCounts = countCategories(reference);
  const curCounts = countCategories(current);
  const categories = sortedCategories([...refCounts.keys(), ...curCounts.keys()]);
  if (categories.length > 2) throw new Error(`z_test: a categorical column needs at most two values, found ${categories.length}`);
  const n1 = reference.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0) throw new Error("z_test: both samples need at least one value");
  const first = categories[0]!;
  const p1 = (refCounts.get(first) ?? 0) / n1;
  const p2 = (curCounts.get(first) ?? 0) / n2;
  const pooled = ((refCounts.get(first) ?? 0) + (curCounts.get(first) ?? 0)) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const z = (p2 - p1) / se;
  return { statistic: z, pValue: normalTwoSided(z) };
}

export interface ChiSquareResult extends TestResult {
  degreesOfFreedom: number;
}

/** Test of independence between sample (reference/current) and category. */
export function chiSquareTest(reference: ArrayLike<CategoryValue>, current: ArrayLike<CategoryValue>): ChiSquareResult {
  const refCounts = countCategories(reference);
  const curCounts = countCategories(current);
  const categories = sortedCategories([...refCounts.keys(), ...curCounts.keys()]);
  const dof = categories.length - 1;
  const n1 = reference.length;
  const n2 = current.length;
  const total = n1 + n2;
  if (dof <= 0 || n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1, degreesOfFreedom: Math.max(0, dof) };
  let statistic = 0;
  for (const category of categories) {
    const observedRef = refCounts.get(category) ?? 0;
    const observedCur = curCounts.get(category) ?? 0;
    const columnTotal = observedRef + observedCur;
    for (const [observed, rowTotal] of [
      [observedRef, n1],
      [observedCur, n2],
    ] as const) {
      const expected = (rowTotal * columnTotal) / total;
      let difference = Math.abs(observed - expected);
      if (dof === 1) difference = Math.max(0, difference - Math.min(0.5, difference));
      statistic += (difference * difference) / expected;
    }
  }
  return { statistic, pValue: chiSquareSurvival(statistic, dof), degreesOfFreedom: dof };
}
