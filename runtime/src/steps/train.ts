/**
 * train.M: built-in trainers (exported to ONNX), external commands, pretrained models. The
 * training matrix comes from the feature graph; the stored `model` is the whole model graph
 * (the fitted features in front of the trained or given model, `graph/compose-model.ts`).
 */
import { mkdir, readFile, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ModelSpec, TrainerSpec } from "@mlops/compiler";
import { StepFailure, TransientStepFailure, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { resolveInput, resolveOutput } from "../files/project-paths.js";
import { train as trainBuiltin } from "../train/train.js";
import { collectExchange, writeTrainingFiles } from "./external-exchange.js";
import { composeModelGraph, ModelGraphError } from "../graph/compose-model.js";
import { checkOnnxModel } from "./onnx-signature-check.js";
import { classLabels, loadModelData, requireTwoClasses, type ModelData } from "./model-data.js";
import { modelOf } from "./plan-lookup.js";
import { runTrainerCommand } from "./trainer-command.js";
import { searchWinner } from "./search.js";
import { hyperparameters, trainedDetails } from "../train/trained-details.js";

export async function trainStep(ctx: StepContext): Promise<StepOutcome> {
  const model = modelOf(ctx.plan, ctx.step.subject.name);
  const data = await loadModelData(ctx, model, "train");
  const trainer = model.search ? await searchWinner(ctx, model) : model.trainer;
  if (trainer.kind !== "pretrained") requireTwoClasses(model, data.target);
  switch (trainer.kind) {
    case "external":
      return external(ctx, model, trainer, data);
    case "pretrained":
      return pretrained(ctx, model, trainer.path, data);
    default:
      return builtin(ctx, model, trainer, data);
  }
}

async function builtin(
  ctx: StepContext,
  model: ModelSpec,
  spec: Extract<TrainerSpec, { epochs: number }>,
  data: ModelData,
): Promise<StepOutcome> {
  const classes = classLabels(model);
  const { matrix, target } = data;
  let trained;
  try {
    trained = trainBuiltin(spec, model.task, matrix.data, matrix.rows, matrix.width, target, {
      seed: model.split.seed,
      ...(model.task === "multiclass_classification" ? { nClasses: classes.length } : {}),
      onProgress: (epoch, loss) => ctx.progress({ label: "epoch", done: epoch, total: spec.epochs, detail: `loss ${loss.toPrecision(4)}` }),
    });
  } catch (error) {
    throw new StepFailure(`training ${model.name} failed: ${(error as Error).message}`);
  }
  const bytes = trained.toOnnx({
    name: model.name,
    doc: `${model.name}: ${spec.kind} trained by mlops on ${matrix.rows} rows`,
    metadata: { model: model.name, classes: JSON.stringify(classes), inputs: JSON.stringify(matrix.inputs.flatMap((s) => s.labels)) },
  });
  await ctx.writeOutput("model", modelGraph(model, data, bytes, model.trainer.kind));
  if (!trained.converged)
    ctx.note(`${spec.kind} did not converge in ${trained.iterations} iterations (loss ${trained.loss.toPrecision(4)})`);
  return {
    metrics: { train_loss: trained.loss, iterations: trained.iterations, converged: trained.converged ? 1 : 0 },
    summary: `${trained.iterations} it, loss ${trained.loss.toPrecision(4)}`,
    details: trainedDetails(
      spec,
      trained,
      matrix.rows,
      matrix.inputs.flatMap((s) => s.labels),
      model.task === "regression" ? [model.target.column] : model.task === "binary_classification" ? [classes[1] ?? "positive"] : classes,
    ),
  };
}

/** The model graph: the fitted features in front of `bytes` (a model over the feature vector). */
function modelGraph(model: ModelSpec, data: ModelData, bytes: Uint8Array, origin: string): Uint8Array {
  try {
    return composeModelGraph({
      fitted: data.fitted,
      model: bytes,
      name: model.name,
      task: model.task,
      classes: model.task === "regression" ? [] : classLabels(model),
      doc: `${model.name}: features ${data.fitted.featureSet.name} → ${origin}`,
    });
  } catch (error) {
    if (error instanceof ModelGraphError) throw new StepFailure(`${origin}: ${error.message}`);
    throw error;
  }
}

async function pretrained(ctx: StepContext, model: ModelSpec, path: string, data: ModelData): Promise<StepOutcome> {
  const file = await resolveInput(ctx.projectRoot, path, ctx.grants, `model ${model.name} (pretrained)`);
  const bytes = await readFile(file);
  checkOnnxModel(bytes, model, data.matrix.width, path);
  await ctx.writeOutput("model", modelGraph(model, data, bytes, path));
  return { summary: `stored ${path}`, details: { hyperparameters: hyperparameters(model.trainer) } };
}

/**
 * Runs the trainer's command with the split as CSV files in `.mlops/work/RUN/STEP/` (removed after
 * the step, whatever its outcome) and takes the ONNX model it writes to MLOPS_OUTPUT. The output
 * path is confined like every output; a file already there is never deleted: the command must
 * write a new one.
 */
async function external(
  ctx: StepContext,
  model: ModelSpec,
  trainer: Extract<TrainerSpec, { kind: "external" }>,
  data: ModelData,
): Promise<StepOutcome> {
  if (ctx.exchange?.stage === "collect") {
    const { bytes, path } = await collectExchange(ctx.exchange, trainer);
    checkOnnxModel(bytes, model, data.matrix.width, path);
    await ctx.writeOutput("model", modelGraph(model, data, bytes, path));
    return { summary: `external: ${trainer.image ?? trainer.command[0]} (collected)` };
  }
  const output = await resolveOutput(ctx.projectRoot, trainer.output, ctx.grants, `model ${model.name} (external trainer)`);
  const work = join(ctx.projectRoot, ".mlops", "work", ctx.runId, ctx.step.id);
  try {
    const files = await writeTrainingFiles(ctx, model, data, work, output);
    await mkdir(dirname(output), { recursive: true });
    const before = await fileVersion(output);
    const env: Record<string, string> = {
      ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
      ...literalEnv(trainer.env),
      MLOPS_TRAIN_DATA: files.train,
      MLOPS_TEST_DATA: files.test,
      MLOPS_OUTPUT: output,
      MLOPS_TASK: model.task,
      MLOPS_TARGET: model.target.column,
      MLOPS_FEATURES: data.matrix.inputs.flatMap((s) => s.labels).join(","),
      MLOPS_CLASSES: classLabels(model).join(","),
    };
    const command = trainer.command.join(" ");
    const { code, signal, tail } = await runTrainerCommand(trainer.command, ctx.projectRoot, env, (line) => ctx.note(line), ctx.signal);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    // the command's own failure: another attempt may succeed (memory, a preempted GPU, the network)
    const ended = signal ? `was killed by ${signal}` : `exited with ${code}`;
    if (code !== 0 || signal) throw new TransientStepFailure(`\`${command}\` ${ended}${tail ? `:\n${tail}` : ""}`);
    const after = await fileVersion(output);
    if (after === undefined) throw new StepFailure(`\`${command}\` succeeded but wrote no model at ${trainer.output} (MLOPS_OUTPUT)`);
    if (after === before)
      throw new StepFailure(
        `\`${command}\` succeeded but left ${trainer.output} as it was before the step (write the model to MLOPS_OUTPUT)`,
      );
    const bytes = await readFile(output);
    checkOnnxModel(bytes, model, data.matrix.width, trainer.output);
    await ctx.writeOutput("model", modelGraph(model, data, bytes, trainer.output));
    return { summary: `external: ${trainer.command[0]}`, details: { hyperparameters: hyperparameters(trainer) } };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rmdir(dirname(work)).catch(() => {}); // the run's folder, once its last step's files are gone
  }
}

/** Identifies one version of a file (inode, size, modification time), or undefined when there is none. */
async function fileVersion(path: string): Promise<string | undefined> {
  const info = await stat(path, { bigint: true }).catch(() => undefined);
  return info ? `${info.ino}:${info.size}:${info.mtimeNs}` : undefined;
}

function literalEnv(env: Record<string, { kind: string; value?: string; name?: string; key?: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value.kind === "literal" && value.value !== undefined) out[name] = value.value;
  return out;
}
