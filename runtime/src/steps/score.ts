/**
 * Scoring, "raw rows → the task's scores", for every caller: batch scoring and monitors pass a
 * dataset, the model server passes checked request rows. Raw rows → fitted transforms → ONNX
 * (chunked) → the task's scores.
 */
import type * as ort from "onnxruntime-node";
import type { ModelSpec } from "@mlops/compiler";
import type { CellValue, Dataset } from "../data/dataset.js";
import { DatasetBuilder } from "../data/dataset-builder.js";
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

/**
 * Scores typed rows whose values are in `fitted.columns` order (already checked against the
 * schema). Row i is numbered i + 1 in a `FeatureError`.
 */
export async function scoreRows(
  session: ort.InferenceSession,
  fitted: FittedFeatures,
  rows: ReadonlyArray<readonly CellValue[]>,
  model: Pick<ModelSpec, "task" | "target">,
): Promise<TaskScores> {
  const builder = new DatasetBuilder(fitted.columns, Math.max(1, rows.length));
  for (let i = 0; i < rows.length; i++) builder.append(rows[i]!, i + 1);
  return scoreDataset(session, fitted, builder.finish(), model);
}
