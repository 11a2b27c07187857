/**
 * Model metrics over a monitor's window from delayed labels: each scored record (a request-log
 * entry, or a row of a batch deployment's input) finds its true outcome in the labels source by the
 * monitor's key (`request_id`: the request id, and the instance index when the labels carry one,
 * else instance 0; or a business-key column both carry). Records without a label yet are left out;
 * with no labelled record the metrics are not measured (null), so a rule on them does not fire.
 */
import type { LabelsSpec, ModelSpec } from "@mlops/compiler";
import { type Dataset, cellValue, getColumn, hasColumn } from "../data/dataset.js";
import { binaryClassificationMetrics, multiclassClassificationMetrics, regressionMetrics } from "../evaluate/metrics.js";
import type { RequestLogEntry } from "../request-log/format.js";
import { classLabels } from "../steps/model-data.js";
import type { TaskScores } from "../steps/model-outputs.js";

/** Scores in the shape of `TaskScores`, with each row's join key (null: it has none). */
export interface KeyedScores {
  keys: Array<string | null>;
  scores: TaskScores;
}

export interface LabelledMetrics {
  metrics: Record<string, number | null>;
  /** Scored records that found their label. */
  labelled: number;
}

/** The labels by join key (the outcome as text: a class name, or a number). */
export function labelsByKey(labels: LabelsSpec, dataset: Dataset): Map<string, string> {
  const outcome = getColumn(dataset, labels.column);
  const keyColumn = getColumn(dataset, labels.key.kind === "request_id" ? "request_id" : labels.key.column);
  const instance =
    labels.key.kind === "request_id" && labels.key.instance && hasColumn(dataset, "instance") ? getColumn(dataset, "instance") : undefined;
  const out = new Map<string, string>();
  for (let i = 0; i < dataset.rowCount; i++) {
    const value = cellValue(outcome, i);
    const key = cellValue(keyColumn, i);
    if (value === null || key === null) continue;
    const k = instance ? `${key}#${cellValue(instance, i) ?? 0}` : labels.key.kind === "request_id" ? `${key}#0` : String(key);
    out.set(k, String(value));
  }
  return out;
}

/** The join key of a request-log entry. */
export function entryKey(labels: LabelsSpec, entry: RequestLogEntry): string | null {
  if (labels.key.kind === "request_id") return entry.request ? `${entry.request}#${entry.instance ?? 0}` : null;
  const value = entry.record?.[labels.key.column];
  return value === undefined || value === null ? null : String(value);
}

/** What the server answered, as task scores (entries that errored or carry no output are left out). */
export function loggedScores(model: Pick<ModelSpec, "task" | "target">, labels: LabelsSpec, entries: RequestLogEntry[]): KeyedScores {
  const classes = classLabels(model);
  const width = model.task === "multiclass_classification" ? classes.length : 1;
  const keys: Array<string | null> = [];
  const values: number[] = [];
  for (const entry of entries) {
    const row = outputScores(model.task, classes, entry.output);
    if (entry.error === true || !row) continue;
    keys.push(entryKey(labels, entry));
    values.push(...row);
  }
  return { keys, scores: { values: Float64Array.from(values), width } };
}

function outputScores(task: ModelSpec["task"], classes: string[], output: Record<string, unknown> | undefined): number[] | undefined {
  if (!output) return undefined;
  if (task === "regression") return typeof output.value === "number" ? [output.value] : undefined;
  const probabilities = output.probabilities as Record<string, unknown> | undefined;
  if (!probabilities || typeof probabilities !== "object") return undefined;
  const row = classes.map((c) => probabilities[c]);
  if (!row.every((p): p is number => typeof p === "number")) return undefined;
  return task === "binary_classification" ? [row[1]!] : row;
}

export function labelledMetrics(
  model: Pick<ModelSpec, "task" | "target">,
  keyed: KeyedScores,
  labels: Map<string, string>,
): LabelledMetrics {
  const classes = classLabels(model);
  const index = new Map(classes.map((c, k) => [c, k]));
  const { width } = keyed.scores;
  const yTrue: number[] = [];
  const scores: number[] = [];
  keyed.keys.forEach((key, i) => {
    const outcome = key === null ? undefined : labels.get(key);
    if (outcome === undefined) return;
    const y = model.task === "regression" ? Number(outcome) : index.get(outcome);
    if (y === undefined || !Number.isFinite(y)) return;
    yTrue.push(y);
    for (let k = 0; k < width; k++) scores.push(keyed.scores.values[i * width + k]!);
  });
  if (yTrue.length === 0) return { metrics: {}, labelled: 0 };
  const metrics: Record<string, number> =
    model.task === "regression"
      ? regressionMetrics(yTrue, scores)
      : model.task === "binary_classification"
        ? binaryClassificationMetrics(yTrue, scores)
        : multiclassClassificationMetrics(yTrue, scores, classes.length);
  return {
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
    labelled: yTrue.length,
  };
}
