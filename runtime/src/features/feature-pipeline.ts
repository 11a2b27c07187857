import { sourceRowOf, type Dataset } from "../data/dataset.js";
import { DataError } from "../data/errors.js";
import { RowSink } from "../data/row-sink.js";
import type { ColumnSpec, FeatureSetSpec, InputSlot } from "../plan.js";
import { FeatureError, columnRefs, evaluateFeatures, neededFeatures } from "./evaluate.js";
import type { FittedState } from "./stateful.js";
import type { Vec } from "./vectors.js";

export const FITTED_FEATURES_FORMAT = "mlops-features/1";

/** One feature's slice of the model input, resolved after fitting. */
export interface ResolvedInputSlot {
  feature: string;
  offset: number;
  width: number;
  /** One name per slot: the feature name for a scalar, `feature=value` for a one-hot slot. */
  labels: string[];
}

/**
 * Everything needed to turn raw rows into model inputs, as plain JSON: the feature set, the
 * source columns it reads (typed), the fitted states, and the input layout. Stored as an artifact
 * beside the model; serving needs nothing else.
 */
export interface FittedFeatures {
  format: typeof FITTED_FEATURES_FORMAT;
  featureSet: FeatureSetSpec;
  columns: ColumnSpec[];
  states: Record<string, FittedState>;
  inputs: ResolvedInputSlot[];
  width: number;
}

/** Model inputs, row-major: row i is `data[i * width .. (i + 1) * width)`. */
export interface FeatureMatrix {
  rows: number;
  width: number;
  data: Float32Array;
  inputs: ResolvedInputSlot[];
}

export interface FitFeaturesOptions {
  featureSet: FeatureSetSpec;
  /** The columns of the feature set's source (`SourceSpec.columns`). */
  sourceColumns: readonly ColumnSpec[];
  /** `ModelSpec.inputs` (widths may be null before fitting). */
  inputs: readonly InputSlot[];
}

/** Fits every stateful transform on `train` (the training split only) and resolves the input layout. */
export function fitFeatures(options: FitFeaturesOptions, train: Dataset): FittedFeatures {
  const roots = options.inputs.map((slot) => slot.feature);
  const features = neededFeatures(options.featureSet, roots);
  const states: Record<string, FittedState> = {};
  const values = evaluateFeatures(features, train, states, { fit: true });
  const inputs = resolveLayout(options.inputs, values);
  const used = new Set(features.flatMap((f) => [...f.columns, ...columnRefs(f.expr)]));
  return {
    format: FITTED_FEATURES_FORMAT,
    featureSet: { ...options.featureSet, features },
    columns: options.sourceColumns.filter((c) => used.has(c.name)),
    states,
    inputs,
    width: inputs.reduce((sum, slot) => sum + slot.width, 0),
  };
}

/** Model inputs for every row of `dataset` (training, evaluation, batch scoring). */
export function transformDataset(fitted: FittedFeatures, dataset: Dataset): FeatureMatrix {
  const values = evaluateFeatures(fitted.featureSet.features, dataset, { ...fitted.states }, { fit: false });
  return assemble(fitted, values, dataset);
}

/**
 * Model inputs for raw records (serving): each record is typed by the fitted columns exactly like a
 * JSONL row (missing key = null). A record that does not fit is a `DataError` of code
 * `invalid-record` naming the record (1-based), the field and the reason.
 */
export function transformRecords(fitted: FittedFeatures, records: ReadonlyArray<Readonly<Record<string, unknown>>>): FeatureMatrix {
  const sink = new RowSink(
    { columns: fitted.columns.map((c) => ({ ...c, unique: false })), badRows: { policy: "fail", maxBadRows: 0 } },
    "request",
    { maxExamples: 10 },
  );
  const names = fitted.columns.map((c) => c.name);
  records.forEach((record, i) => {
    if (record === null || typeof record !== "object" || Array.isArray(record)) sink.addBad(i + 1, undefined, "not a JSON object");
    else
      sink.addValues(
        names.map((name) => record[name]),
        i + 1,
      );
  });
  let dataset: Dataset;
  try {
    dataset = sink.finish().dataset;
  } catch (error) {
    if (!(error instanceof DataError) || !error.badRows) throw error;
    const lines = error.badRows.examples.map((b) => `record ${b.row}${b.column ? `, field ${b.column}` : ""}: ${b.reason}`);
    throw new DataError("invalid-record", lines.join("; "), null, error.badRows);
  }
  return transformDataset(fitted, dataset);
}

function resolveLayout(slots: readonly InputSlot[], values: Map<string, Vec>): ResolvedInputSlot[] {
  let offset = 0;
  return slots.map((slot) => {
    const vec = values.get(slot.feature)!;
    const width = vec.t === "matrix" ? vec.width : 1;
    if (slot.width !== null && slot.width !== width) {
      throw new FeatureError(`feature ${slot.feature}: the plan expects width ${slot.width}, fitting gave ${width}`, slot.feature);
    }
    assertModelInput(slot.feature, vec);
    const labels = vec.t === "matrix" ? vec.labels : [slot.feature];
    const resolved = { feature: slot.feature, offset, width, labels };
    offset += width;
    return resolved;
  });
}

function assertModelInput(feature: string, vec: Vec): void {
  if (vec.t === "str")
    throw new FeatureError(`feature ${feature} is a string; encode it with one_hot() or hash_bucket() to use it as a model input`, feature);
  if (vec.t === "null") throw new FeatureError(`feature ${feature} is always null`, feature);
}

function assemble(fitted: FittedFeatures, values: Map<string, Vec>, dataset: Dataset): FeatureMatrix {
  const { width } = fitted;
  const n = dataset.rowCount;
  const data = new Float32Array(n * width);
  for (const slot of fitted.inputs) {
    const vec = values.get(slot.feature)!;
    assertModelInput(slot.feature, vec);
    if (vec.t === "matrix") {
      if (vec.width !== slot.width)
        throw new FeatureError(`feature ${slot.feature}: width ${vec.width}, fitted layout says ${slot.width}`, slot.feature);
      for (let i = 0; i < n; i++) data.set(vec.v.subarray(i * vec.width, (i + 1) * vec.width), i * width + slot.offset);
      continue;
    }
    if (vec.t !== "num" && vec.t !== "bool") continue;
    for (let i = 0; i < n; i++) {
      if (vec.nulls[i] === 1) {
        const row = sourceRowOf(dataset, i);
        throw new FeatureError(
          `feature ${slot.feature} is null at row ${row}; a model input must not be null (use coalesce() or impute())`,
          slot.feature,
          row,
        );
      }
      data[i * width + slot.offset] = vec.v[i]!;
    }
  }
  return { rows: n, width, data, inputs: fitted.inputs };
}
