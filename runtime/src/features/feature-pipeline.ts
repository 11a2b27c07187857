import type { Dataset } from "../data/dataset.js";
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
 * What fitting learned, as plain JSON: the feature set, the source columns it reads (typed), the
 * fitted states, and the input layout. Stored as an artifact (lineage) and lowered into the model
 * graph (`graph/feature-graph.ts`), which is the only place features are applied.
 */
export interface FittedFeatures {
  format: typeof FITTED_FEATURES_FORMAT;
  featureSet: FeatureSetSpec;
  columns: ColumnSpec[];
  states: Record<string, FittedState>;
  inputs: ResolvedInputSlot[];
  width: number;
}

/** Model inputs, row-major: row i is `data[i * width .. (i + 1) * width)` (computed by the feature graph). */
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
