/**
 * The language's fixed vocabularies: feature functions, dataset aggregates,
 * gate metrics by task, drift methods, monitor signals. Docs are shown by hover
 * and completion.
 */
import type { Task } from "../plan/types.js";

export const FEATURE_FUNCTIONS: Record<string, { signature: string; doc: string; stateful?: boolean }> = {
  log: { signature: "log(x: number) -> float", doc: "Natural logarithm." },
  log1p: { signature: "log1p(x: number) -> float", doc: "log(1 + x), safe at 0." },
  exp: { signature: "exp(x: number) -> float", doc: "e to the power x." },
  sqrt: { signature: "sqrt(x: number) -> float", doc: "Square root." },
  abs: { signature: "abs(x: number) -> number", doc: "Absolute value." },
  clip: { signature: "clip(x: number, lo: number, hi: number) -> number", doc: "x limited to lo..hi." },
  min: { signature: "min(a: number, b: number, ...) -> number", doc: "The smallest argument." },
  max: { signature: "max(a: number, b: number, ...) -> number", doc: "The largest argument." },
  round: { signature: "round(x: number) -> int", doc: "Nearest integer (halves away from zero)." },
  coalesce: { signature: "coalesce(x: T?, ..., fallback: T) -> T", doc: "The first non-null argument; makes a nullable value non-null." },
  is_null: { signature: "is_null(x: T?) -> bool", doc: "True when x is null; inside `if(is_null(x), a, b)` x is non-null in b." },
  if: { signature: "if(c: bool, a: T, b: T) -> T", doc: "a when c is true, else b." },
  lower: { signature: "lower(s: string) -> string", doc: "Lower-case text." },
  upper: { signature: "upper(s: string) -> string", doc: "Upper-case text." },
  len: { signature: "len(s: string) -> int", doc: "Length of the text." },
  contains: { signature: "contains(s: string, part: string) -> bool", doc: "True when `part` occurs in s." },
  hour: { signature: "hour(t: timestamp) -> int", doc: "Hour of day, 0..23 (UTC)." },
  day_of_week: { signature: "day_of_week(t: timestamp | date) -> int", doc: "0 = Monday .. 6 = Sunday." },
  month: { signature: "month(t: timestamp | date) -> int", doc: "Month, 1..12." },
  days_between: { signature: "days_between(a: timestamp | date, b: timestamp | date) -> int", doc: "Whole days from a to b." },
  standardize: { signature: "standardize(x: number) -> float", doc: "(x - mean) / std, fitted on the training split.", stateful: true },
  min_max: {
    signature: "min_max(x: number) -> float",
    doc: "Scaled to 0..1 with min and max fitted on the training split.",
    stateful: true,
  },
  impute: {
    signature: "impute(x: T?, mean | median | mode | constant) -> T",
    doc: "Replaces nulls with a statistic fitted on the training split, or a constant.",
    stateful: true,
  },
  one_hot: {
    signature: "one_hot(x: categorical) -> vector<float, N>",
    doc: "One slot per category (N = enum size; learned from training data for strings).",
    stateful: true,
  },
  bucketize: {
    signature: "bucketize(x: number, [edges]) -> vector<float, len(edges)+1>",
    doc: "One-hot of the bucket x falls in.",
    stateful: true,
  },
  hash_bucket: {
    signature: "hash_bucket(x: categorical, n: int) -> vector<float, n>",
    doc: "One-hot of a stable hash of x modulo n.",
    stateful: true,
  },
};

export const STATEFUL_FUNCTIONS = new Set(
  Object.entries(FEATURE_FUNCTIONS)
    .filter(([, f]) => f.stateful)
    .map(([n]) => n),
);

export const IMPUTE_STRATEGIES: Record<string, string> = {
  mean: "the training mean (numeric)",
  median: "the training median (numeric)",
  mode: "the most frequent training value",
};

export const AGGREGATES: Record<string, { signature: string; doc: string }> = {
  row_count: { signature: "row_count -> int", doc: "Number of rows." },
  null_rate: { signature: "null_rate(c) -> ratio", doc: "Share of null values of a column." },
  distinct_count: { signature: "distinct_count(c) -> int", doc: "Number of distinct values." },
  duplicate_rate: { signature: "duplicate_rate(c) -> ratio", doc: "Share of rows whose value occurs more than once." },
  mean: { signature: "mean(c: number) -> float", doc: "Mean of a numeric column." },
  min: { signature: "min(c: number) -> float", doc: "Smallest value of a numeric column." },
  max: { signature: "max(c: number) -> float", doc: "Largest value of a numeric column." },
  stddev: { signature: "stddev(c: number) -> float", doc: "Standard deviation of a numeric column." },
  quantile: { signature: "quantile(c: number, q: ratio) -> float", doc: "The q-quantile of a numeric column." },
};

export type MetricUnit = "ratio" | "ms" | "number";

export interface MetricInfo {
  doc: string;
  unit: MetricUnit;
  better: "higher" | "lower";
  tasks: Task[];
  /** Fairness metrics take `(by = column)`. */
  fairness?: boolean;
  /** Bounds of a `number` metric's values (`r2` is at most 1, errors at least 0): a threshold outside them is a mistake. */
  range?: { min?: number; max?: number };
  /** A `number` metric that is a share written as a percentage too (`mape <= 10%`). */
  percent?: boolean;
}

const BIN: Task[] = ["binary_classification"];
const MULTI: Task[] = ["multiclass_classification"];
const REG: Task[] = ["regression"];
const ALL: Task[] = ["binary_classification", "multiclass_classification", "regression"];

export const METRICS: Record<string, MetricInfo> = {
  accuracy: { doc: "Share of correct predictions.", unit: "ratio", better: "higher", tasks: [...BIN, ...MULTI] },
  precision: { doc: "Share of predicted positives that are positive.", unit: "ratio", better: "higher", tasks: BIN },
  recall: { doc: "Share of positives found.", unit: "ratio", better: "higher", tasks: BIN },
  f1: { doc: "Harmonic mean of precision and recall.", unit: "ratio", better: "higher", tasks: BIN },
  auc: { doc: "Area under the ROC curve.", unit: "ratio", better: "higher", tasks: BIN },
  pr_auc: { doc: "Area under the precision-recall curve.", unit: "ratio", better: "higher", tasks: BIN },
  log_loss: {
    doc: "Cross-entropy of the predicted probabilities.",
    unit: "number",
    better: "lower",
    tasks: [...BIN, ...MULTI],
    range: { min: 0 },
  },
  brier: { doc: "Mean squared error of the predicted probability.", unit: "ratio", better: "lower", tasks: BIN },
  demographic_parity_difference: {
    doc: "Largest gap in positive-prediction rate between groups of `by`.",
    unit: "ratio",
    better: "lower",
    tasks: BIN,
    fairness: true,
  },
  equalized_odds_difference: {
    doc: "Largest gap in true/false positive rates between groups of `by`.",
    unit: "ratio",
    better: "lower",
    tasks: BIN,
    fairness: true,
  },
  macro_f1: { doc: "Unweighted mean of per-class F1.", unit: "ratio", better: "higher", tasks: MULTI },
  weighted_f1: { doc: "Per-class F1 weighted by support.", unit: "ratio", better: "higher", tasks: MULTI },
  macro_precision: { doc: "Unweighted mean of per-class precision.", unit: "ratio", better: "higher", tasks: MULTI },
  macro_recall: { doc: "Unweighted mean of per-class recall.", unit: "ratio", better: "higher", tasks: MULTI },
  rmse: { doc: "Root mean squared error (target units).", unit: "number", better: "lower", tasks: REG, range: { min: 0 } },
  mae: { doc: "Mean absolute error (target units).", unit: "number", better: "lower", tasks: REG, range: { min: 0 } },
  r2: { doc: "Coefficient of determination (at most 1).", unit: "number", better: "higher", tasks: REG, range: { max: 1 } },
  mape: {
    doc: "Mean absolute percentage error (0.1 = 10%).",
    unit: "number",
    better: "lower",
    tasks: REG,
    range: { min: 0 },
    percent: true,
  },
  latency_p50: { doc: "Median single-row inference latency of the ONNX model.", unit: "ms", better: "lower", tasks: ALL },
  latency_p95: { doc: "95th-percentile inference latency.", unit: "ms", better: "lower", tasks: ALL },
  latency_p99: { doc: "99th-percentile inference latency.", unit: "ms", better: "lower", tasks: ALL },
};

export function metricsForTask(task: Task): string[] {
  return Object.keys(METRICS).filter((m) => METRICS[m]!.tasks.includes(task));
}

/** Metrics a search may optimise: the task's quality metrics (not latency, not fairness). */
export const SEARCH_METRICS: Record<string, string> = Object.fromEntries(
  Object.entries(METRICS)
    .filter(([name, m]) => !m.fairness && !name.startsWith("latency_"))
    .map(([name, m]) => [name, `${m.doc} (${m.better} is better; ${m.tasks.join(", ")})`]),
);

/** Most candidates a search may have (the plan lists each one); above it is an error. */
export const SEARCH_MAX_CANDIDATES = 1000;
/** Above this many trainings (candidates × folds) a search gets a `search-size` warning. */
export const SEARCH_WARN_TRAININGS = 200;

export type DriftMethodName = "psi" | "wasserstein" | "jensen_shannon" | "ks" | "z_test" | "chi_square" | "auto";

export interface DriftMethodInfo {
  doc: string;
  /** Distances drift when above their threshold, p-values when below. */
  driftsWhen: "above" | "below";
  numeric: boolean;
  categorical: boolean;
  /** Only for two-valued categorical data (bool, enum of two). */
  twoValuedOnly?: boolean;
}

export const DRIFT_METHODS: Record<Exclude<DriftMethodName, "auto">, DriftMethodInfo> = {
  psi: { doc: "Population stability index (distance; drifts when above).", driftsWhen: "above", numeric: true, categorical: true },
  wasserstein: {
    doc: "Wasserstein distance normalised by the reference std (drifts when above).",
    driftsWhen: "above",
    numeric: true,
    categorical: false,
  },
  jensen_shannon: {
    doc: "Jensen-Shannon distance, base 2, 0..1 (drifts when above).",
    driftsWhen: "above",
    numeric: true,
    categorical: true,
  },
  ks: { doc: "Kolmogorov-Smirnov test p-value (drifts when below).", driftsWhen: "below", numeric: true, categorical: false },
  z_test: {
    doc: "Two-proportion / mean z-test p-value (drifts when below).",
    driftsWhen: "below",
    numeric: true,
    categorical: true,
    twoValuedOnly: true,
  },
  chi_square: { doc: "Chi-square test p-value (drifts when below).", driftsWhen: "below", numeric: false, categorical: true },
};

export const AUTO_DRIFT_DOC =
  "Picks per column: KS / chi-square (p < 0.05) for small references, normalised Wasserstein / Jensen-Shannon (>= 0.1) for larger ones.";

export const MONITOR_SIGNALS: Record<string, { doc: string; type: "ratio" | "duration" | "number" }> = {
  drift_share: { doc: "Share of monitored columns that drifted.", type: "ratio" },
  latency_p50: { doc: "Median serving latency over the window.", type: "duration" },
  latency_p95: { doc: "95th-percentile serving latency.", type: "duration" },
  latency_p99: { doc: "99th-percentile serving latency.", type: "duration" },
  error_rate: { doc: "Share of requests that failed.", type: "ratio" },
  request_rate: { doc: "Requests per second.", type: "number" },
};

export const MONITOR_ACTIONS: Record<string, string> = {
  retrain:
    "retrain(model): run the training DAG on the current data; a model that passes its gate is registered and promoted per its deployment's rollout.",
  rollback: "rollback(deployment): move the `production` alias back to the previous version.",
  alert: "alert(notifier): post the monitor's summary to a declared notifier's webhook.",
};
