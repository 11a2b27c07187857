/** batch_predict.D: scores the target's input source with the production model graph; the output file appears whole. */
import { count } from "@mlops/compiler/core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { resolveOutput } from "../files/project-paths.js";
import { isS3Url, uploadFileToS3 } from "../data/s3-object.js";
import { outputRecord, createRecordWriter, type OutputFormat } from "../data/record-writer.js";
import { readSource } from "../data/read-source.js";
import { DataError } from "../data/errors.js";
import { StepFailure, jsonBytes, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { FeatureError } from "../features/evaluate.js";
import { hashFile } from "../files/file-hash.js";
import { classLabels } from "./model-data.js";
import { predictedClass, type TaskScores } from "./model-outputs.js";
import { loadRegisteredScorer } from "../scoring/registered-scorer.js";
import { ScorerError } from "../scoring/scorer.js";
import { scoreDataset } from "./score.js";
import { deploymentOf, modelOf, sourceOf } from "./plan-lookup.js";
import type { CellValue } from "../data/dataset.js";

export async function batchPredictStep(ctx: StepContext): Promise<StepOutcome> {
  const deployment = deploymentOf(ctx.plan, ctx.step.subject.name);
  if (deployment.target.kind !== "batch") throw new Error(`deployment ${deployment.name} is not a batch deployment`);
  const output = deployment.target.output;
  // an s3:// output is written whole to a local temp file, then uploaded (the object appears whole too);
  // a file output stays inside the project or a granted directory
  const remote = isS3Url(output);
  const localPath = remote ? undefined : await resolveOutput(ctx.projectRoot, output, ctx.grants, `deployment ${deployment.name}`);
  const model = modelOf(ctx.plan, deployment.model);
  const production = await ctx.metadata.registry.getAlias(model.name, "production");
  if (!production) {
    throw new StepFailure(`model ${model.name} has no production version to score with (run \`mlops run\` to train, gate and deploy it)`);
  }
  const source = sourceOf(ctx.plan, deployment.target.input);
  const classes = classLabels(model);
  let dataset;
  try {
    dataset = (
      await readSource(source, ctx.projectRoot, {
        grants: ctx.grants,
        env: ctx.env,
        onProgress: (p) => ctx.progress({ label: "reading", done: p.rows, detail: "rows" }),
      })
    ).dataset;
  } catch (error) {
    if (error instanceof DataError) throw new StepFailure(error.message);
    throw error;
  }
  // the version's model graph is all it takes (a bare model registered before graphs is composed with its fitted features)
  const scorer = await asStepFailure(() => loadRegisteredScorer(ctx.artifacts, production, { spec: model }));
  let scores;
  try {
    ctx.progress({ label: "scoring", done: 0, total: dataset.rowCount });
    scores = await scoreDataset(scorer.session, scorer.metadata, dataset, model);
  } catch (error) {
    if (error instanceof FeatureError) throw new StepFailure(error.message);
    throw error;
  } finally {
    await scorer.release();
  }
  const format: OutputFormat = output.endsWith(".csv") ? "csv" : "jsonl";
  const extra =
    model.task === "regression"
      ? ["prediction"]
      : model.task === "binary_classification"
        ? ["prediction", "probability"]
        : ["prediction", "probability", ...classes.map((c) => `probability_${c}`)];
  const columns = [...dataset.columns.map((c) => c.name), ...extra];
  const path = localPath ?? join(await mkdtemp(join(tmpdir(), "mlops-batch-")), basename(output));
  let sha256: string;
  try {
    const writer = await createRecordWriter(path, format, columns);
    try {
      for (let i = 0; i < dataset.rowCount; i++)
        await writer.write({ ...outputRecord(dataset, i), ...predictionFields(model.task, scores, i, classes) });
      await writer.close();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    sha256 = await hashFile(path);
    if (remote) await uploadFileToS3(path, output, ctx.env);
  } finally {
    if (remote) await rm(dirname(path), { recursive: true, force: true });
  }
  const result = {
    deployment: deployment.name,
    model: model.name,
    version: production.version,
    file: output,
    rows: dataset.rowCount,
    sha256,
  };
  await ctx.writeOutput("predictions", jsonBytes(result));
  return {
    metrics: { rows: dataset.rowCount, version: production.version },
    summary: `${count(dataset.rowCount, "row")} → ${output} (v${production.version})`,
  };
}

function predictionFields(task: string, scores: TaskScores, i: number, classes: string[]): Record<string, CellValue> {
  const { values, width } = scores;
  if (task === "regression") return { prediction: values[i]! };
  const best = predictedClass(scores, i);
  if (task === "binary_classification") return { prediction: classes[best] ?? best, probability: values[i]! };
  const fields: Record<string, CellValue> = { prediction: classes[best] ?? best, probability: values[i * width + best]! };
  classes.forEach((c, k) => (fields[`probability_${c}`] = values[i * width + k]!));
  return fields;
}

async function asStepFailure<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ScorerError) throw new StepFailure(error.message);
    throw error;
  }
}
