/**
 * An external trainer that runs in its own image (`external { image }`): on an orchestrator the
 * train step is three containers sharing an exchange directory. `prepare` (runtime image) writes
 * the training data there; the trainer's image runs its command and writes the ONNX file there;
 * `collect` (runtime image) checks it and stores it as the step's output. The trainer's image needs
 * neither the mlops CLI nor access to the stores.
 *
 * Files in the exchange directory: `train.csv`, `test.csv` (feature columns named by their labels,
 * then the target), `contract.json` (what the MLOPS_* variables say), and the model the trainer writes.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ModelSpec, Plan, TrainerSpec } from "@mlops/compiler";
import { effectiveKeys, producerOf, type DataAccess } from "../executor/cache-keys.js";
import { decodeDataset } from "../executor/dataset-codec.js";
import type { Stores } from "../store/open-stores.js";
import { StepFailure, type StepContext } from "../executor/step-context.js";
import { encodeTarget } from "../features/target.js";
import { ArtifactError } from "../store/artifact-store.js";
import { classLabels, loadModelData, matrixOf, type ModelData } from "./model-data.js";
import { modelOf } from "./plan-lookup.js";
import { writeMatrix } from "./training-files.js";

export interface Exchange {
  dir: string;
  stage: "prepare" | "collect";
}

type ExternalTrainer = Extract<TrainerSpec, { kind: "external" }>;

/** Where the trainer writes its model in the exchange directory: the file name of its declared `output`. */
export function exchangeOutput(dir: string, trainer: ExternalTrainer): string {
  return join(dir, trainer.output.slice(trainer.output.lastIndexOf("/") + 1));
}

/** Writes train.csv, test.csv and contract.json for the trainer (`dir` is created when missing). */
export async function writeTrainingFiles(
  ctx: Pick<StepContext, "readArtifact">,
  model: ModelSpec,
  data: ModelData,
  dir: string,
  output: string,
): Promise<{ train: string; test: string }> {
  await mkdir(dir, { recursive: true });
  const train = join(dir, "train.csv");
  const test = join(dir, "test.csv");
  const testData = decodeDataset(await ctx.readArtifact(`split.${model.name}/test`), `split.${model.name}/test`);
  await writeMatrix(train, data.matrix, data.target, model.target.column);
  await writeMatrix(test, await matrixOf(data.fitted, testData), encodeTarget(model, testData), model.target.column);
  const contract = {
    MLOPS_TRAIN_DATA: train,
    MLOPS_TEST_DATA: test,
    MLOPS_OUTPUT: output,
    MLOPS_TASK: model.task,
    MLOPS_TARGET: model.target.column,
    MLOPS_FEATURES: data.matrix.inputs.flatMap((s) => s.labels).join(","),
    MLOPS_CLASSES: classLabels(model).join(","),
  };
  await writeFile(join(dir, "contract.json"), `${JSON.stringify(contract, null, 2)}\n`);
  return { train, test };
}

/**
 * `mlops run-step --step train.M --exchange DIR --stage prepare`: reads the step's inputs from the
 * stores (they must have been produced for this plan and data) and writes the trainer's files. It
 * records nothing: the step runs, and is recorded, in the `collect` stage.
 */
export async function prepareExchange(
  plan: Plan,
  projectRoot: string,
  stores: Pick<Stores, "artifacts" | "metadata">,
  stepId: string,
  dir: string,
  access: DataAccess = {},
): Promise<void> {
  const step = plan.steps.find((s) => s.id === stepId);
  const model = step?.kind === "train" ? modelOf(plan, step.subject.name) : undefined;
  if (!step || model?.trainer.kind !== "external")
    throw new StepFailure(`--stage prepare is for the train step of an external trainer, not ${stepId}`);
  const { keys } = await effectiveKeys(plan, projectRoot, access);
  const read = async (artifact: string): Promise<Uint8Array> => {
    const producer = producerOf(artifact);
    const hash = (await stores.metadata.getCacheEntry(keys.get(producer) ?? ""))?.outputs[artifact];
    if (!hash) throw new StepFailure(`${artifact} is not in the artifact store for this plan and data; run \`${producer}\` first`);
    try {
      return await stores.artifacts.get(hash);
    } catch (error) {
      if (error instanceof ArtifactError) throw new StepFailure(`${artifact}: ${error.message}`);
      throw error;
    }
  };
  const readInput = (name: string): Promise<Uint8Array> => {
    const artifact = step.inputs[name];
    if (artifact === undefined) throw new Error(`step ${step.id} has no input ${name}`);
    return read(artifact);
  };
  const data = await loadModelData({ step, readInput }, model, "train");
  await writeTrainingFiles({ readArtifact: read }, model, data, dir, exchangeOutput(dir, model.trainer));
}

/** The `collect` stage: the model the trainer wrote in the exchange directory, instead of running its command. */
export async function collectExchange(exchange: Exchange, trainer: ExternalTrainer): Promise<{ bytes: Uint8Array; path: string }> {
  const path = exchangeOutput(exchange.dir, trainer);
  const bytes = await readFile(path).catch(() => {
    throw new StepFailure(`the trainer wrote no model at ${path} (MLOPS_OUTPUT)`);
  });
  return { bytes, path };
}
