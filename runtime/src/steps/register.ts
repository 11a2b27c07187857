/**
 * register.M: registers the trained model when every gate of the model passed, with its lineage
 * (plan hash, data hashes, transforms, model artifact). Re-registering the same model artifact
 * returns the existing version, so a resumed run does not add one.
 */
import type { ModelSpec } from "@mlops/compiler";
import type { SearchResult } from "../search/run-search.js";
import { hyperparameters } from "../train/trained-details.js";
import { StepFailure, jsonBytes, parseJson, type StepContext, type StepOutcome } from "../executor/step-context.js";
import type { MetricsReport } from "./evaluate.js";
import type { GateVerdict } from "./gate.js";
import { gatesOfModel, modelOf } from "./plan-lookup.js";

export interface RegisteredVersion {
  model: string;
  version: number;
  created: boolean;
  artifactHash: string;
  featuresHash: string;
}

export async function registerStep(ctx: StepContext): Promise<StepOutcome> {
  const model = modelOf(ctx.plan, ctx.step.subject.name);
  const gates = gatesOfModel(ctx.plan, model.name);
  const verdicts: Record<string, string> = {};
  for (const gate of gates) {
    const verdict = parseJson<GateVerdict>(await ctx.readArtifact(`gate.${gate.name}/verdict`));
    if (!verdict.passed) throw new StepFailure(`gate ${gate.name} failed: ${model.name} is not registered`);
    verdicts[gate.name] = await ctx.artifactHash(`gate.${gate.name}/verdict`);
  }
  const metrics = parseJson<MetricsReport>(await ctx.readInput("metrics")).metrics;
  const artifactHash = await ctx.artifactHash(ctx.step.inputs.model!);
  const featuresHash = await ctx.artifactHash(ctx.step.inputs.transforms!);
  const lineage = {
    pipeline: ctx.plan.pipeline.name,
    planHash: ctx.planHash,
    sourceHash: ctx.plan.sourceHash,
    env: ctx.plan.env,
    source: model.source,
    data: { [model.source]: ctx.dataHashes[model.source] ?? null },
    artifacts: {
      train: await ctx.artifactHash(`split.${model.name}/train`),
      test: await ctx.artifactHash(`split.${model.name}/test`),
      transforms: featuresHash,
      model: artifactHash,
      metrics: await ctx.artifactHash(ctx.step.inputs.metrics!),
      verdicts,
    },
    gates: gates.map((g) => g.name),
    trainer: model.trainer.kind,
    task: model.task,
    training: { featureSet: model.featureSet, trainer: model.trainer, split: model.split, target: model.target.column },
    ...(await trainedWith(ctx, model)),
  };
  const registered = await ctx.metadata.registry.registerVersion({
    model: model.name,
    artifactHash,
    featuresHash,
    runId: ctx.runId,
    planHash: ctx.planHash,
    metrics,
    lineage,
    reason: gates.length > 0 ? `passed gate ${gates.map((g) => g.name).join(", ")}` : "no gate",
  });
  await ctx.metadata.recordLineage(
    [
      { from: { kind: "plan", id: ctx.planHash }, to: { kind: "model", id: artifactHash } },
      ...(ctx.dataHashes[model.source]
        ? [{ from: { kind: "data", id: ctx.dataHashes[model.source]! }, to: { kind: "features", id: featuresHash } }]
        : []),
      { from: { kind: "features", id: featuresHash }, to: { kind: "model", id: artifactHash } },
      { from: { kind: "model", id: artifactHash }, to: { kind: "version", id: `${model.name}@${registered.version}` } },
    ],
    ctx.runId,
  );
  const result: RegisteredVersion = {
    model: model.name,
    version: registered.version,
    created: registered.created,
    artifactHash,
    featuresHash,
  };
  await ctx.writeOutput("version", jsonBytes(result));
  const summary = registered.created ? `registered v${registered.version}` : `already v${registered.version}`;
  ctx.note(`${model.name} ${summary}`);
  return { metrics: { version: registered.version }, summary };
}

/** The hyperparameters the model was trained with (a search's winner), and the search that picked them. */
async function trainedWith(ctx: StepContext, model: ModelSpec): Promise<Record<string, unknown>> {
  if (!model.search) return { hyperparameters: hyperparameters(model.trainer) };
  const result = parseJson<SearchResult>(await ctx.readArtifact(`search.${model.name}/result`));
  const best = result.candidates[result.best]!;
  return {
    hyperparameters: hyperparameters(best.trainer),
    search: { metric: result.metric, candidates: result.candidates.length, winner: best.label, score: best.score },
  };
}
