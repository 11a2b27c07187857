/**
 * A model's search: every candidate trained on each fold's training rows (features fitted there
 * too) and scored on the fold's validation rows with every quality metric of the task; the best
 * mean of the search metric wins (ties: the first declared). Each candidate's result is cached by
 * its own key, so adding a value trains only the new candidate. The test split is never read.
 */
import { createHash } from "node:crypto";
import type { BuiltinTrainerSpec, ColumnSpec, FeatureSetSpec, ModelSpec, SearchSpec } from "@mlops/compiler";
import { canonicalJson } from "@mlops/compiler/core";
import { takeRows, type Dataset } from "../data/dataset.js";
import { binaryClassificationMetrics, multiclassClassificationMetrics, regressionMetrics } from "../evaluate/metrics.js";
import { fitFeatures } from "../features/feature-pipeline.js";
import { encodeTarget } from "../features/target.js";
import { featureMatrix } from "../scoring/feature-matrix.js";
import type { FitPool } from "./fit-pool.js";
import type { FitResult, FitTask } from "./fit-task.js";
import { makeFolds, type Fold } from "./folds.js";

/** Bump when what a cached candidate result means changes. */
const RESULT_FORMAT = "mlops-search-candidate/1";

export interface CandidateResult {
  format: typeof RESULT_FORMAT;
  trainer: BuiltinTrainerSpec;
  /** Every quality metric of the task, one record per fold (null where undefined, e.g. AUC of one class). */
  folds: Array<Record<string, number | null>>;
  /** Training loss and iterations per fold. */
  fits: Array<{ loss: number; iterations: number; converged: boolean; durationMs: number }>;
}

export interface CandidateScore {
  /** 0-based, in declaration order. */
  index: number;
  /** `logistic_regression l2=0.001`. */
  label: string;
  trainer: BuiltinTrainerSpec;
  varied: Record<string, number>;
  /** Mean over folds of every metric (null when no fold defines it). */
  metrics: Record<string, number | null>;
  /** Standard deviation over folds (0 for one validation share). */
  spread: Record<string, number | null>;
  folds: Array<Record<string, number | null>>;
  /** The search metric's mean: what candidates are ranked by. */
  score: number | null;
  trainingMs: number;
  converged: boolean;
  /** True when this run reused the candidate's stored result. */
  cached: boolean;
}

export interface SearchResult {
  model: string;
  metric: string;
  better: "higher" | "lower";
  validation: SearchSpec["validation"];
  /** Training / validation rows of each fold. */
  foldSizes: Array<{ train: number; validate: number }>;
  /** Index of the winner. */
  best: number;
  candidates: CandidateScore[];
}

/** Where candidate results are kept between runs (the artifact store and the cache index). */
export interface CandidateCache {
  get(key: string): Promise<CandidateResult | undefined>;
  put(key: string, result: CandidateResult): Promise<void>;
}

export interface SearchInput {
  model: ModelSpec;
  featureSet: FeatureSetSpec;
  sourceColumns: readonly ColumnSpec[];
  /** The training split. */
  train: Dataset;
  /** Content hash of the training split: with the plan's slice, what a candidate key hashes. */
  trainHash: string;
  pool: FitPool;
  cache: CandidateCache;
  onProgress?: (done: number, total: number) => void;
}

export async function runSearch(input: SearchInput): Promise<SearchResult> {
  const { model } = input;
  const search = model.search;
  if (!search) throw new Error(`model ${model.name} declares no search`);
  const stratify = model.split.stratify && model.task !== "regression";
  const folds = makeFolds(input.train, search.validation, {
    seed: model.split.seed,
    ...(stratify ? { stratifyBy: model.target.column } : {}),
  });
  const keys = search.candidates.map((c) => candidateKey(input, c.trainer));
  const stored = await Promise.all(keys.map((key) => input.cache.get(key)));
  // candidates that cannot differ share a key: the first of them trains, the others reuse its result
  const missing = search.candidates.map((_, i) => i).filter((i) => stored[i] === undefined && keys.indexOf(keys[i]!) === i);
  let done = search.candidates.length - missing.length;
  input.onProgress?.(done, search.candidates.length);
  const fresh = new Map<string, CandidateResult>();
  if (missing.length > 0) {
    const data = await foldData(input, folds);
    await Promise.all(
      missing.map(async (i) => {
        const result = await trainCandidate(input, data, search.candidates[i]!.trainer);
        await input.cache.put(keys[i]!, result);
        fresh.set(keys[i]!, result);
        input.onProgress?.(++done, search.candidates.length);
      }),
    );
  }
  const candidates = search.candidates.map((candidate, index) => {
    const trainedHere = missing.includes(index);
    const result = stored[index] ?? fresh.get(keys[index]!)!;
    return score(index, candidate, result, search.metric, !trainedHere);
  });
  return {
    model: model.name,
    metric: search.metric,
    better: search.better,
    validation: search.validation,
    foldSizes: folds.map((f) => ({ train: f.train.length, validate: f.validate.length })),
    best: pickBest(candidates, search.better),
    candidates,
  };
}

/** The highest (or lowest) score; a candidate with no score never wins; ties go to the first. */
export function pickBest(candidates: ReadonlyArray<Pick<CandidateScore, "score">>, better: "higher" | "lower"): number {
  let best = -1;
  candidates.forEach((c, i) => {
    if (c.score === null) return;
    const incumbent = best < 0 ? null : candidates[best]!.score!;
    if (incumbent === null || (better === "higher" ? c.score > incumbent : c.score < incumbent)) best = i;
  });
  return best;
}

function candidateKey(input: SearchInput, trainer: BuiltinTrainerSpec): string {
  const { model } = input;
  const meaning = {
    format: RESULT_FORMAT,
    trainer,
    task: model.task,
    target: model.target,
    validation: model.search!.validation,
    seed: model.split.seed,
    stratify: model.split.stratify,
    features: input.featureSet.features,
    inputs: model.inputs,
    train: input.trainHash,
  };
  return createHash("sha256").update(canonicalJson(meaning)).digest("hex");
}

interface FoldData {
  x: Float32Array;
  y: Float32Array;
  width: number;
  xValidate: Float32Array;
  yValidate: Float32Array;
}

/** Features fitted on each fold's training rows and applied (by the feature graph) to its rows (shared with the workers). */
function foldData(input: SearchInput, folds: Fold[]): Promise<FoldData[]> {
  const options = { featureSet: input.featureSet, sourceColumns: input.sourceColumns, inputs: input.model.inputs };
  return Promise.all(
    folds.map(async (fold) => {
      const train = takeRows(input.train, fold.train);
      const validate = takeRows(input.train, fold.validate);
      const fitted = fitFeatures(options, train);
      const x = await featureMatrix(fitted, train);
      return {
        x: shared(x.data),
        y: shared(encodeTarget(input.model, train)),
        width: x.width,
        xValidate: shared((await featureMatrix(fitted, validate)).data),
        yValidate: encodeTarget(input.model, validate),
      };
    }),
  );
}

function shared(values: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}

async function trainCandidate(input: SearchInput, data: FoldData[], trainer: BuiltinTrainerSpec): Promise<CandidateResult> {
  const { model } = input;
  const nClasses = classCount(model);
  const fits = await Promise.all(
    data.map((fold) => {
      const task: FitTask = {
        trainer,
        task: model.task,
        nClasses,
        seed: model.split.seed,
        x: fold.x,
        y: fold.y,
        trainRows: fold.y.length,
        width: fold.width,
        xValidate: fold.xValidate,
        validateRows: fold.yValidate.length,
      };
      return input.pool.run(task);
    }),
  );
  return {
    format: RESULT_FORMAT,
    trainer,
    folds: fits.map((fit, k) => foldMetrics(model, nClasses, data[k]!.yValidate, fit)),
    fits: fits.map((f) => ({ loss: f.loss, iterations: f.iterations, converged: f.converged, durationMs: f.durationMs })),
  };
}

function classCount(model: ModelSpec): number {
  if (model.task === "regression") return 1;
  const type = model.target.type;
  return model.target.classes?.length ?? (type.kind === "enum" ? type.values.length : 2);
}

function foldMetrics(model: ModelSpec, nClasses: number, yTrue: Float32Array, fit: FitResult): Record<string, number | null> {
  const metrics: Record<string, number> =
    model.task === "regression"
      ? regressionMetrics(yTrue, fit.predictions)
      : model.task === "binary_classification"
        ? binaryClassificationMetrics(yTrue, fit.predictions)
        : multiclassClassificationMetrics(yTrue, fit.predictions, nClasses);
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

function score(
  index: number,
  candidate: { trainer: BuiltinTrainerSpec; varied: Record<string, number> },
  result: CandidateResult,
  metric: string,
  cached: boolean,
): CandidateScore {
  const names = Object.keys(result.folds[0] ?? {});
  const metrics: Record<string, number | null> = {};
  const spread: Record<string, number | null> = {};
  for (const name of names) {
    const values = result.folds.map((f) => f[name]).filter((v): v is number => v !== null && v !== undefined);
    const mean = values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    metrics[name] = mean;
    spread[name] = mean === null ? null : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  }
  return {
    index,
    label: candidateLabel(candidate.trainer, candidate.varied),
    trainer: candidate.trainer,
    varied: candidate.varied,
    metrics,
    spread,
    folds: result.folds,
    score: metrics[metric] ?? null,
    trainingMs: result.fits.reduce((sum, f) => sum + f.durationMs, 0),
    converged: result.fits.every((f) => f.converged),
    cached,
  };
}

/** The trainer and the values this candidate took from lists: `logistic_regression l2=0.001`. */
export function candidateLabel(trainer: BuiltinTrainerSpec, varied: Record<string, number>): string {
  const values = Object.entries(varied).map(([k, v]) => `${k}=${v}`);
  return [trainer.kind, ...values].join(" ");
}
