/** The runtime's batch scoring path: raw rows → fitted transforms → ONNX (chunked) → the task's scores. */
import type * as ort from "onnxruntime-node";
import type { ModelSpec } from "@mlops/compiler";
import type { Dataset } from "../data/dataset.js";
import { transformDataset, type FittedFeatures } from "../features/feature-pipeline.js";
import { predictBatch } from "../onnx/predict-batch.js";
import { classLabels } from "./model-data.js";
import { taskScores, type TaskScores } from "./model-outputs.js";

export async function scoreDataset(
  session: ort.InferenceSession,
  fitted: FittedFeatures,
  dataset: Dataset,
  model: Pick<ModelSpec, "task" | "target">,
): Promise<TaskScores> {
  const matrix = transformDataset(fitted, dataset);
  const outputs = await predictBatch(session, matrix.data, matrix.rows, matrix.width, { inputName: session.inputNames[0]! });
  return taskScores(model.task, outputs, classLabels(model).length);
}
