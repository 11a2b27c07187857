/**
 * An onnxruntime session of a registered version's model graph. A version registered before
 * models carried their features (a bare model over the feature vector) is composed with its
 * fitted features first, so every caller runs the same kind of graph.
 */
import * as ort from "onnxruntime-node";
import type { ModelSpec } from "@mlops/compiler";
import type { FittedFeatures } from "../features/feature-pipeline.js";
import { classLabels } from "../features/target.js";
import { composeModelGraph } from "../graph/compose-model.js";
import { readGraphMetadata } from "./graph-metadata.js";

/** The version's model graph: `bytes` itself, or `bytes` composed behind `fitted` for an older version. */
export function modelGraphBytes(bytes: Uint8Array, fitted: FittedFeatures, spec: Pick<ModelSpec, "name" | "task" | "target">): Uint8Array {
  if (readGraphMetadata(bytes)) return bytes;
  return composeModelGraph({
    fitted,
    model: bytes,
    name: spec.name,
    task: spec.task,
    classes: spec.task === "regression" ? [] : classLabels(spec),
  });
}

export function openModelSession(
  bytes: Uint8Array,
  fitted: FittedFeatures,
  spec: Pick<ModelSpec, "name" | "task" | "target">,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelGraphBytes(bytes, fitted, spec), options);
}
