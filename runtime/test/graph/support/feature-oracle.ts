/**
 * The JavaScript feature evaluator applied to rows (what the runtime did before features moved
 * into the model graph), kept only to check the graph against: the model input matrix with NaN
 * where a feature is null (the graph's `features` output holds NaN there too).
 */
import type { Dataset } from "../../../src/data/dataset.js";
import { evaluateFeatures } from "../../../src/features/evaluate.js";
import type { FittedFeatures } from "../../../src/features/feature-pipeline.js";

export function oracleMatrix(fitted: FittedFeatures, dataset: Dataset): Float32Array {
  const values = evaluateFeatures(fitted.featureSet.features, dataset, { ...fitted.states }, { fit: false });
  const { width } = fitted;
  const n = dataset.rowCount;
  const data = new Float32Array(n * width);
  for (const slot of fitted.inputs) {
    const vec = values.get(slot.feature)!;
    if (vec.t === "matrix") {
      for (let i = 0; i < n; i++) data.set(vec.v.subarray(i * vec.width, (i + 1) * vec.width), i * width + slot.offset);
    } else if (vec.t === "num" || vec.t === "bool") {
      for (let i = 0; i < n; i++) data[i * width + slot.offset] = vec.nulls[i] === 1 ? Number.NaN : vec.v[i]!;
    } else {
      throw new Error(`feature ${slot.feature} is ${vec.t}, not a model input`);
    }
  }
  return data;
}
