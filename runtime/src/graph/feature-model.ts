/** A model of the feature graph alone (raw columns → `features`): the training matrix comes from it. */
import { encodeModel } from "@mlops/compiler/onnx";
import type { FittedFeatures } from "../features/feature-pipeline.js";
import { buildFeatureGraph } from "./feature-graph.js";
import { OUTPUTS } from "./graph-contract.js";
import { OnnxBuilder, tensorValue } from "./onnx-builder.js";

export function featureModel(fitted: FittedFeatures): Uint8Array {
  const b = new OnnxBuilder();
  const graph = buildFeatureGraph(b, fitted);
  return encodeModel({
    irVersion: 8,
    opsetImport: [...b.domains].sort().map((domain) => ({ domain, version: domain === "" ? 17 : domain === "ai.onnx.ml" ? 3 : 1 })),
    producerName: "mlops",
    graph: {
      name: `${fitted.featureSet.name}_features`,
      node: b.nodes,
      initializer: b.initializersUsedBy(b.nodes),
      input: graph.inputValues,
      output: [tensorValue(OUTPUTS.features, "float32", ["N", fitted.width])],
      valueInfo: b.valueInfo,
    },
  });
}
