/** Model input vectors for a dataset, computed by the feature graph (training, external trainers' CSV files). */
import * as ort from "onnxruntime-node";
import { sourceRowOf, type Dataset } from "../data/dataset.js";
import { FeatureError } from "../features/evaluate.js";
import type { FeatureMatrix, FittedFeatures } from "../features/feature-pipeline.js";
import { featureModel } from "../graph/feature-model.js";
import { feedsFromDataset } from "../graph/graph-feeds.js";
import { graphInputs, OUTPUTS } from "../graph/graph-contract.js";

/** The matrix of `dataset` through the fitted features; a null model input is a `FeatureError` naming the feature and row. */
export async function featureMatrix(fitted: FittedFeatures, dataset: Dataset): Promise<FeatureMatrix> {
  const session = await ort.InferenceSession.create(featureModel(fitted));
  try {
    const data =
      dataset.rowCount === 0
        ? new Float32Array(0)
        : ((await session.run(feedsFromDataset(graphInputs(fitted.columns), dataset)))[OUTPUTS.features]!.data as Float32Array);
    for (let k = 0; k < data.length; k++) {
      if (!Number.isNaN(data[k]!)) continue;
      const column = k % fitted.width;
      const feature = fitted.inputs.find((s) => column >= s.offset && column < s.offset + s.width)?.feature ?? `input ${column}`;
      const row = sourceRowOf(dataset, Math.floor(k / fitted.width));
      throw new FeatureError(
        `feature ${feature} is null at row ${row}; a model input must not be null (use coalesce() or impute())`,
        feature,
        row,
      );
    }
    return { rows: dataset.rowCount, width: fitted.width, data, inputs: fitted.inputs };
  } finally {
    await session.release();
  }
}
