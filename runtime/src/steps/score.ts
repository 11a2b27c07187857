/**
 * Scoring, "raw rows → the task's scores", for every caller: batch scoring and monitors pass a
 * dataset, the model server passes checked request rows. The session runs the version's model
 * graph (`scoring/model-session.ts`): raw columns → features → model, in one `session.run`.
 */
import type * as ort from "onnxruntime-node";
import type { ModelSpec } from "@mlops/compiler";
import { sourceRowOf, type CellValue, type Dataset } from "../data/dataset.js";
import type { FittedFeatures } from "../features/feature-pipeline.js";
import { graphInputs, type GraphMetadata } from "../graph/graph-contract.js";
import { feedsFromDataset, feedsFromRows, type Feeds } from "../graph/graph-feeds.js";
import { runGraph, type Scores } from "../scoring/run-graph.js";
import { classLabels } from "./model-data.js";
import type { TaskScores } from "./model-outputs.js";

/** What scoring needs to know of a model graph: its inputs and the layout of its model input vector. */
export type GraphLayout = Pick<GraphMetadata, "inputs" | "slots" | "width">;

/** The layout of the graph composed from `fitted` (what the fitted features say of it). */
export function fittedLayout(fitted: FittedFeatures): GraphLayout {
  return { inputs: graphInputs(fitted.columns), slots: fitted.inputs, width: fitted.width };
}

/** Scores a dataset holding the graph's input columns; the layout from the graph's metadata, or from its fitted features. */
export async function scoreDataset(
  session: ort.InferenceSession,
  graph: GraphLayout | FittedFeatures,
  dataset: Dataset,
  model: Pick<ModelSpec, "task" | "target">,
): Promise<TaskScores> {
  const layout = "slots" in graph ? graph : fittedLayout(graph);
  const feeds = feedsFromDataset(layout.inputs, dataset);
  return score(session, layout, feeds, dataset.rowCount, model, (i) => sourceRowOf(dataset, i));
}

/**
 * Scores typed rows whose values are in `layout.inputs` order (already checked against the
 * schema). Row i is numbered i + 1 in a `FeatureError`.
 */
export async function scoreRows(
  session: ort.InferenceSession,
  layout: GraphLayout,
  rows: ReadonlyArray<readonly CellValue[]>,
  model: Pick<ModelSpec, "task" | "target">,
): Promise<TaskScores> {
  return score(session, layout, feedsFromRows(layout.inputs, rows), rows.length, model);
}

async function score(
  session: ort.InferenceSession,
  layout: GraphLayout,
  feeds: Feeds,
  rows: number,
  model: Pick<ModelSpec, "task" | "target">,
  rowOf?: (i: number) => number,
): Promise<TaskScores> {
  const scores = await runGraph(session, feeds, rows, {
    task: model.task,
    slots: layout.slots,
    width: layout.width,
    ...(rowOf ? { rowOf } : {}),
  });
  return taskScores(model.task, scores, classLabels(model).length);
}

/** regression: the value; binary: P(positive); multiclass: the probabilities `[N, K]`. */
function taskScores(task: ModelSpec["task"], scores: Scores, classes: number): TaskScores {
  if (task === "regression") return { values: Float64Array.from(scores.values!), width: 1 };
  const probabilities = scores.probabilities!;
  if (task === "multiclass_classification") return { values: Float64Array.from(probabilities), width: classes };
  const values = new Float64Array(scores.rows);
  for (let i = 0; i < values.length; i++) values[i] = probabilities[2 * i + 1]!;
  return { values, width: 1 };
}
