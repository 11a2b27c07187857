/** One run of a model graph over input tensors: the task's outputs, and a null model input named. */
import type * as ort from "onnxruntime-node";
import type { Task } from "@mlops/compiler";
import { FeatureError } from "../features/evaluate.js";
import { OUTPUTS, type GraphSlot } from "../graph/graph-contract.js";
import type { Feeds } from "../graph/graph-feeds.js";

/** What one scoring run returns, row-major. */
export interface Scores {
  rows: number;
  /** Classifiers: the class name per row (the graph's `label`). */
  labels?: string[];
  /** Classifiers: `[rows, classes]` probabilities, columns in class order. */
  probabilities?: Float32Array;
  /** Regression: the predicted value per row. */
  values?: Float32Array;
  /** The model input vectors `[rows, width]`, when asked for. */
  features?: Float32Array;
}

export interface GraphRun {
  task: Task;
  /** The model input layout (to name a null feature). */
  slots: readonly GraphSlot[];
  width: number;
  /** Fetch the class names (classifiers). */
  labels?: boolean;
  /** Fetch the model input vectors. */
  features?: boolean;
  /** The 1-based row a message names for row `i` (default i + 1). */
  rowOf?: (i: number) => number;
}

export async function runGraph(session: ort.InferenceSession, feeds: Feeds, rows: number, run: GraphRun): Promise<Scores> {
  const fetches: string[] = run.task === "regression" ? [OUTPUTS.value] : [OUTPUTS.probabilities];
  if (run.labels && run.task !== "regression") fetches.push(OUTPUTS.label);
  if (run.features) fetches.push(OUTPUTS.features);
  if (rows === 0) return emptyScores(run);
  const result = await session.run(feeds, fetches);
  const scores: Scores = { rows };
  if (result[OUTPUTS.label]) scores.labels = result[OUTPUTS.label].data as string[];
  if (result[OUTPUTS.probabilities]) scores.probabilities = result[OUTPUTS.probabilities].data as Float32Array;
  if (result[OUTPUTS.value]) scores.values = result[OUTPUTS.value].data as Float32Array;
  if (result[OUTPUTS.features]) scores.features = result[OUTPUTS.features].data as Float32Array;
  if (hasNaN(scores.values ?? scores.probabilities!)) await explainNull(session, feeds, scores.features, run);
  return scores;
}

/** A null model input makes the prediction NaN: the first one is a `FeatureError` naming the feature and row. */
async function explainNull(session: ort.InferenceSession, feeds: Feeds, known: Float32Array | undefined, run: GraphRun): Promise<void> {
  const features = known ?? ((await session.run(feeds, [OUTPUTS.features]))[OUTPUTS.features]!.data as Float32Array);
  const rowOf = run.rowOf ?? ((i: number) => i + 1);
  for (let k = 0; k < features.length; k++) {
    if (!Number.isNaN(features[k]!)) continue;
    const column = k % run.width;
    const feature = run.slots.find((s) => column >= s.offset && column < s.offset + s.width)?.feature ?? `input ${column}`;
    const row = rowOf(Math.floor(k / run.width));
    throw new FeatureError(
      `feature ${feature} is null at row ${row}; a model input must not be null (use coalesce() or impute())`,
      feature,
      row,
    );
  }
}

function emptyScores(run: GraphRun): Scores {
  const features = run.features ? { features: new Float32Array(0) } : {};
  if (run.task === "regression") return { rows: 0, values: new Float32Array(0), ...features };
  return { rows: 0, probabilities: new Float32Array(0), ...(run.labels ? { labels: [] } : {}), ...features };
}

function hasNaN(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) return true;
  return false;
}
