/** A split with its fitted features and encoded target; as model inputs through the feature graph (training). */
import type { ModelSpec } from "@mlops/compiler";
import type { Dataset } from "../data/dataset.js";
import { decodeDataset } from "../executor/dataset-codec.js";
import { StepFailure, parseJson, type StepContext } from "../executor/step-context.js";
import { FeatureError } from "../features/evaluate.js";
import type { FeatureMatrix, FittedFeatures } from "../features/feature-pipeline.js";
import { classLabels, encodeTarget } from "../features/target.js";
import { featureMatrix } from "../scoring/feature-matrix.js";

export interface SplitData {
  dataset: Dataset;
  target: Float32Array;
  fitted: FittedFeatures;
}

export interface ModelData extends SplitData {
  matrix: FeatureMatrix;
}

export async function loadSplit(ctx: Pick<StepContext, "readInput" | "step">, model: ModelSpec, splitInput: string): Promise<SplitData> {
  const fitted = parseJson<FittedFeatures>(await ctx.readInput("transforms"));
  const dataset = decodeDataset(await ctx.readInput(splitInput), ctx.step.inputs[splitInput]);
  return { dataset, fitted, target: asStepFailure(() => encodeTarget(model, dataset)) };
}

/** The split, its target and its model input matrix (computed by the feature graph). */
export async function loadModelData(
  ctx: Pick<StepContext, "readInput" | "step">,
  model: ModelSpec,
  splitInput: string,
): Promise<ModelData> {
  const split = await loadSplit(ctx, model, splitInput);
  return { ...split, matrix: await matrixOf(split.fitted, split.dataset) };
}

export async function matrixOf(fitted: FittedFeatures, dataset: Dataset): Promise<FeatureMatrix> {
  try {
    return await featureMatrix(fitted, dataset);
  } catch (error) {
    if (error instanceof FeatureError) throw new StepFailure(error.message);
    throw error;
  }
}

/**
 * A classifier cannot learn from one class (it would predict it with certainty and its AUC is
 * undefined): refuse, as scikit-learn does, naming the class and where it came from.
 */
export function requireTwoClasses(model: Pick<ModelSpec, "name" | "task" | "target">, target: Float32Array): void {
  if (model.task === "regression" || target.length === 0) return;
  const first = target[0]!;
  if (target.some((k) => k !== first)) return;
  const label = classLabels(model)[first] ?? String(first);
  throw new StepFailure(
    `model ${model.name}: the training split's target ${model.target.column} has a single class (${label}) in all ${target.length} rows; ` +
      "a classifier needs at least two classes (check the source data and the split)",
  );
}

function asStepFailure<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FeatureError) throw new StepFailure(error.message);
    throw error;
  }
}

export { classLabels } from "../features/target.js";
