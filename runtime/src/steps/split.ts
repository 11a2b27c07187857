/** split.M: seeded train/test split, stratified by the target for classification when asked. */
import { splitDataset } from "../data/split.js";
import { decodeDataset, encodeDataset } from "../executor/dataset-codec.js";
import { StepFailure, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { modelOf } from "./plan-lookup.js";

export async function split(ctx: StepContext): Promise<StepOutcome> {
  const model = modelOf(ctx.plan, ctx.step.subject.name);
  const dataset = decodeDataset(await ctx.readInput("dataset"), ctx.step.inputs.dataset);
  const stratify = model.split.stratify && model.task !== "regression";
  const parts = splitDataset(dataset, {
    test: model.split.test,
    seed: model.split.seed,
    ...(stratify ? { stratifyBy: model.target.column } : {}),
  });
  if (parts.train.rowCount === 0 || parts.test.rowCount === 0) {
    throw new StepFailure(
      `split of ${dataset.rowCount} rows at ${model.split.test * 100}% test leaves an empty ${parts.train.rowCount === 0 ? "training" : "test"} split`,
    );
  }
  await ctx.writeOutput("train", encodeDataset(parts.train));
  await ctx.writeOutput("test", encodeDataset(parts.test));
  return {
    metrics: { train_rows: parts.train.rowCount, test_rows: parts.test.rowCount },
    summary: `${parts.train.rowCount} train / ${parts.test.rowCount} test`,
  };
}
