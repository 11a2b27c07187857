/** fit_features.M: fits the stateful transforms on the training split only; stored as JSON. */
import { decodeDataset } from "../executor/dataset-codec.js";
import { StepFailure, jsonBytes, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { FeatureError } from "../features/evaluate.js";
import { fitFeatures } from "../features/feature-pipeline.js";
import { modelOf, sourceOf } from "./plan-lookup.js";

export async function fitFeaturesStep(ctx: StepContext): Promise<StepOutcome> {
  const model = modelOf(ctx.plan, ctx.step.subject.name);
  const featureSet = ctx.plan.featureSets[model.featureSet];
  if (!featureSet) throw new Error(`the plan has no feature set \`${model.featureSet}\``);
  const train = decodeDataset(await ctx.readInput("train"), ctx.step.inputs.train);
  try {
    const fitted = fitFeatures({ featureSet, sourceColumns: sourceOf(ctx.plan, model.source).columns, inputs: model.inputs }, train);
    await ctx.writeOutput("transforms", jsonBytes(fitted));
    return { metrics: { input_width: fitted.width }, summary: `${fitted.inputs.length} features → ${fitted.width} inputs` };
  } catch (error) {
    if (error instanceof FeatureError) throw new StepFailure(error.message);
    throw error;
  }
}
