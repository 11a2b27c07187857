/** Model input matrices through the feature graph, for tests that check feature values. */
import * as ort from "onnxruntime-node";
import type { FeatureMatrix, FittedFeatures } from "../../../src/features/feature-pipeline.js";
import { featureModel } from "../../../src/graph/feature-model.js";
import { graphInputs } from "../../../src/graph/graph-contract.js";
import { feedsFromRecords, type RecordLike } from "../../../src/graph/graph-feeds.js";

export { featureMatrix as transformDataset } from "../../../src/scoring/feature-matrix.js";

/** Records (typed and checked as serving does) through the feature graph. */
export async function transformRecords(fitted: FittedFeatures, records: readonly RecordLike[]): Promise<FeatureMatrix> {
  const feeds = feedsFromRecords(graphInputs(fitted.columns), fitted.columns, records);
  const session = await ort.InferenceSession.create(featureModel(fitted));
  try {
    const data = (await session.run(feeds)).features!.data as Float32Array;
    return { rows: records.length, width: fitted.width, data, inputs: fitted.inputs };
  } finally {
    await session.release();
  }
}
