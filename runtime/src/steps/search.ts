/**
 * search.M: validates the model's candidate trainers on the training split (`search/run-search.ts`)
 * and writes every candidate's scores and the winner; train.M refits the winner
 * (`searchWinner`). Candidate results are kept in the artifact store under the cache index, one
 * entry per candidate.
 */
import type { BuiltinTrainerSpec, ModelSpec } from "@mlops/compiler";
import { decodeDataset } from "../executor/dataset-codec.js";
import { StepFailure, jsonBytes, parseJson, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { FeatureError } from "../features/evaluate.js";
import { FitPool } from "../search/fit-pool.js";
import { runSearch, type CandidateCache, type CandidateResult, type SearchResult } from "../search/run-search.js";
import { ArtifactError } from "../store/artifact-store.js";
import { format } from "./metric-format.js";
import { modelOf, sourceOf } from "./plan-lookup.js";

export async function searchStep(ctx: StepContext): Promise<StepOutcome> {
  const model = modelOf(ctx.plan, ctx.step.subject.name);
  const featureSet = ctx.plan.featureSets[model.featureSet];
  if (!featureSet) throw new Error(`the plan has no feature set \`${model.featureSet}\``);
  const train = decodeDataset(await ctx.readInput("train"), ctx.step.inputs.train);
  const pool = new FitPool();
  const stop = (): void => void pool.close(); // the step's timeout: the workers stop mid-fit
  ctx.signal.addEventListener("abort", stop, { once: true });
  let result: SearchResult;
  try {
    result = await runSearch({
      model,
      featureSet,
      sourceColumns: sourceOf(ctx.plan, model.source).columns,
      train,
      trainHash: await ctx.artifactHash(ctx.step.inputs.train!),
      pool,
      cache: candidateCache(ctx),
      onProgress: (done, total) => ctx.progress({ label: "candidates", done, total }),
    });
  } catch (error) {
    if (error instanceof FeatureError) throw new StepFailure(error.message);
    if (error instanceof Error && !(error instanceof StepFailure)) throw new StepFailure(`search of ${model.name}: ${error.message}`);
    throw error;
  } finally {
    ctx.signal.removeEventListener("abort", stop);
    await pool.close();
  }
  const text = formatSearch(result);
  const report = await ctx.writeReport("search.txt", text);
  await ctx.writeReport("search.json", jsonBytes(result));
  if (result.best < 0) {
    throw new StepFailure(
      `no candidate of ${model.name} has a defined ${result.metric} on the validation rows (a fold with one class?)\n${text.trimEnd()}`,
      [report],
    );
  }
  await ctx.writeOutput("result", jsonBytes(result));
  const best = result.candidates[result.best]!;
  const trained = result.candidates.filter((c) => !c.cached).length;
  return {
    metrics: {
      candidates: result.candidates.length,
      trained,
      best: result.best + 1,
      [`best_${result.metric}`]: best.score!,
    },
    summary: `best of ${result.candidates.length}: ${best.label} (${result.metric} ${format(best.score!)}${trained < result.candidates.length ? `; ${trained} trained, ${result.candidates.length - trained} cached` : ""})`,
    details: { search: result },
  };
}

/** train.M of a model with a search: the winning candidate's trainer, to refit on the whole training split. */
export async function searchWinner(ctx: StepContext, model: ModelSpec): Promise<BuiltinTrainerSpec> {
  const result = parseJson<SearchResult>(await ctx.readInput("search"));
  const best = result.candidates[result.best];
  if (!best) throw new StepFailure(`the search of ${model.name} picked no candidate`);
  ctx.note(`refit ${best.label}, the best of ${result.candidates.length} by ${result.metric}`);
  return best.trainer;
}

function candidateCache(ctx: StepContext): CandidateCache {
  const stepId = `${ctx.step.id}#candidate`;
  return {
    async get(key) {
      const entry = await ctx.metadata.getCacheEntry(key);
      const hash = entry?.stepId === stepId ? entry.outputs.result : undefined;
      if (!hash) return undefined;
      try {
        return await ctx.artifacts.getJson<CandidateResult>(hash);
      } catch (error) {
        if (error instanceof ArtifactError) return undefined; // missing or damaged: train it again
        throw error;
      }
    },
    async put(key, result) {
      const ref = await ctx.artifacts.putJson(result);
      await ctx.metadata.putCacheEntry(key, stepId, { result: ref.hash }, ctx.runId);
    },
  };
}

/** The candidates as a table, best first marked: what `.mlops/reports/search.M/search.txt` holds. */
export function formatSearch(result: SearchResult): string {
  const how =
    result.validation.kind === "folds"
      ? `${result.validation.folds}-fold cross-validation`
      : `a ${Math.round(result.validation.share * 100)}% validation share`;
  const lines = [
    `Search of ${result.model}: ${result.candidates.length} candidates by ${how} of the training split, ${result.better} ${result.metric} wins`,
  ];
  for (const c of result.candidates) {
    const mark = c.index === result.best ? "best" : "    ";
    const spread = result.validation.kind === "folds" && c.spread[result.metric] !== null ? ` ± ${format(c.spread[result.metric]!)}` : "";
    const score = c.score === null ? "n/a" : `${format(c.score)}${spread}`;
    lines.push(`  ${mark}  #${c.index + 1}  ${c.label}  ${result.metric} ${score}${c.cached ? "  (cached)" : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
