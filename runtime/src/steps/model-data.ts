/** A split as model inputs and encoded target, through the fitted transforms (the same code everywhere). */
import type { ModelSpec } from "@mlops/compiler";
import type { Dataset } from "../data/dataset.js";
import { decodeDataset } from "../executor/dataset-codec.js";
import { StepFailure, parseJson, type StepContext } from "../executor/step-context.js";
import { FeatureError } from "../features/evaluate.js";
import { transformDataset, type FeatureMatrix, type FittedFeatures } from "../features/feature-pipeline.js";
import { encodeTarget } from "../features/target.js";

export interface ModelData {
  dataset: Dataset;
  matrix: FeatureMatrix;
  target: Float32Array;
  fitted: FittedFeatures;
}

export async function loadModelData(
  ctx: Pick<StepContext, "readInput" | "step">,
  model: ModelSpec,
  splitInput: string,
): Promise<ModelData> {
  const fitted = parseJson<FittedFeatures>(await ctx.readInput("transforms"));
  const dataset = decodeDataset(await ctx.readInput(splitInput), ctx.step.inputs[splitInput]);
  try {
    return { dataset, fitted, matrix: transformDataset(fitted, dataset), target: encodeTarget(model, dataset) };
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

/** Class labels in output order (binary: [negative, positive]). */
export function classLabels(model: Pick<ModelSpec, "target">): string[] {
  if (model.target.classes) return model.target.classes;
  const type = model.target.type;
  if (type.kind === "enum") return type.values;
  if (type.kind === "bool") return ["false", "true"];
  return [];
}
