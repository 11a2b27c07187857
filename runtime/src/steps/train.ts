/** train.M: built-in trainers (exported to ONNX), external commands, pretrained models. */
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { ModelSpec, TrainerSpec } from "@mlops/compiler";
import { StepFailure, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { train as trainBuiltin } from "../train/train.js";
import { collectExchange, writeTrainingFiles } from "./external-exchange.js";
import { checkOnnxModel } from "./onnx-signature-check.js";
import { classLabels, loadModelData, type ModelData } from "./model-data.js";
import { modelOf } from "./plan-lookup.js";

export async function trainStep(ctx: StepContext): Promise<StepOutcome> {
  const model = modelOf(ctx.plan, ctx.step.subject.name);
  const data = await loadModelData(ctx, model, "train");
  const trainer = model.trainer;
  switch (trainer.kind) {
    case "external":
      return external(ctx, model, trainer, data);
    case "pretrained":
      return pretrained(ctx, model, trainer.path, data.matrix.width);
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
  await ctx.writeOutput("model", bytes);
  if (!trained.converged)
    ctx.note(`${spec.kind} did not converge in ${trained.iterations} iterations (loss ${trained.loss.toPrecision(4)})`);
  return {
    metrics: { train_loss: trained.loss, iterations: trained.iterations, converged: trained.converged ? 1 : 0 },
    summary: `${trained.iterations} it, loss ${trained.loss.toPrecision(4)}`,
  };
}

async function pretrained(ctx: StepContext, model: ModelSpec, path: string, width: number): Promise<StepOutcome> {
  const file = isAbsolute(path) ? path : join(ctx.projectRoot, path);
  const bytes = await readFile(file).catch(() => {
    throw new StepFailure(`pretrained model ${path}: no such file`);
  });
  checkOnnxModel(bytes, model, width, path);
  await ctx.writeOutput("model", bytes);
  return { summary: `stored ${path}` };
}

async function external(
  ctx: StepContext,
  model: ModelSpec,
  trainer: Extract<TrainerSpec, { kind: "external" }>,
  data: ModelData,
): Promise<StepOutcome> {
  if (ctx.exchange?.stage === "collect") {
    const { bytes, path } = await collectExchange(ctx.exchange, trainer);
    checkOnnxModel(bytes, model, data.matrix.width, path);
    await ctx.writeOutput("model", bytes);
    return { summary: `external: ${trainer.image ?? trainer.command[0]} (collected)` };
  }
  const work = join(ctx.projectRoot, ".mlops", "work", ctx.runId, ctx.step.id);
  const output = isAbsolute(trainer.output) ? trainer.output : join(ctx.projectRoot, trainer.output);
  await rm(output, { force: true });
  const files = await writeTrainingFiles(ctx, model, data, work, output);
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
  const { code, tail } = await runCommand(trainer.command, ctx.projectRoot, env, (line) => ctx.note(line));
  if (code !== 0) throw new StepFailure(`\`${trainer.command.join(" ")}\` exited with ${code}${tail ? `:\n${tail}` : ""}`);
  const bytes = await readFile(output).catch(() => {
    throw new StepFailure(`\`${trainer.command.join(" ")}\` succeeded but wrote no model at ${trainer.output} (MLOPS_OUTPUT)`);
  });
  checkOnnxModel(bytes, model, data.matrix.width, trainer.output);
  await ctx.writeOutput("model", bytes);
  await rm(work, { recursive: true, force: true });
  return { summary: `external: ${trainer.command[0]}` };
}

function literalEnv(env: Record<string, { kind: string; value?: string; name?: string; key?: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value.kind === "literal" && value.value !== undefined) out[name] = value.value;
  return out;
}

function runCommand(
  command: string[],
  cwd: string,
  env: Record<string, string>,
  onLine: (line: string) => void,
): Promise<{ code: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = command;
    if (!program) return reject(new StepFailure("external trainer: empty command"));
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const take = (chunk: Buffer): void => {
      for (const line of chunk.toString("utf8").split(/\r?\n/)) {
        if (line.trim() === "") continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (error) => reject(new StepFailure(`cannot run \`${command.join(" ")}\`: ${error.message}`)));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), tail: tail.join("\n") }));
  });
}
