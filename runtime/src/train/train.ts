/**
 * Built-in trainers: `logistic_regression` (binary, y in {0, 1}),
 * `softmax_regression` (multiclass, y in 0..K-1; also accepts binary),
 * `linear_regression` (ridge via `l2`).
 *
 * All minimise `objective.ts` (mean loss + l2/2 · ‖w‖², intercept unpenalised)
 * on internally centred and scaled columns; the exported weights work on the
 * caller's columns. Solvers (`solver: "auto"`):
 * - linear_regression: exact normal equations (L-BFGS above 2000 features);
 * - classifiers: L-BFGS over the full data (`epochs` = max iterations;
 *   converged when the objective improves by less than `tolerance` in two
 *   iterations in a row, or max |gradient| <= `tolerance`), or mini-batch
 *   gradient descent with `learningRate` when 0 < `batchSize` < rows
 *   (stops when the epoch loss improves by less than `tolerance` 5 times in a row).
 */
import type { Task, TrainerSpec } from "@mlops/compiler";
import { CLOSED_FORM_MAX_INPUTS } from "@mlops/compiler/core";
import { availableParallelism, freemem, loadavg } from "node:os";
import { columnScaling, type ColumnScaling } from "./feature-scaling.js";
import { minimizeLbfgs } from "./lbfgs.js";
import { minimizeMinibatch } from "./minibatch-descent.js";
import {
  evaluateObjective,
  foldScaling,
  makeProblem,
  parameterCount,
  startThreads,
  stopThreads,
  type LossKind,
  type Problem,
} from "./objective.js";
import { solveRidge } from "./ridge-closed-form.js";
import { makeTrainedModel, type BuiltinTrainerKind, type TrainedModel } from "./trained-model.js";

export type BuiltinTrainerSpec = Extract<TrainerSpec, { kind: BuiltinTrainerKind }>;

export interface TrainOptions {
  /** Seeds the mini-batch shuffle (the split seed is a good choice). Default 0. */
  seed?: number;
  /** Called after every iteration/epoch with the training objective. */
  onProgress?: (epoch: number, loss: number) => void;
  solver?: "auto" | "lbfgs" | "minibatch";
  /** Number of classes for multiclass (default: max label + 1). */
  nClasses?: number;
  /**
   * Threads sharing L-BFGS's passes over the data (1: this thread only). Default: when the data
   * holds at least 4M values (rows × columns × classes), the cores that are idle (the cores
   * available less the 1-minute load average, which counts this process), 1 to 4, if the
   * helpers' copy of their share of the rows fits in a quarter of the free memory; else 1.
   * The fitted model is bit-identical for every thread count.
   */
  threads?: number;
}

/** Below this many values a pass takes a few ms: starting a thread would cost about as much as it saves. */
const THREADED_MIN_VALUES = 1 << 22;
const MAX_DEFAULT_THREADS = 4;

export function train(
  spec: BuiltinTrainerSpec,
  task: Task,
  x: Float32Array,
  nRows: number,
  nCols: number,
  y: ArrayLike<number>,
  options: TrainOptions = {},
): TrainedModel {
  checkShapes(x, nRows, nCols, y);
  const scaling = columnScaling(x, nRows, nCols);
  checkFinite(x, nCols, scaling);
  const nClasses = classCount(spec.kind, task, y, nRows, options.nClasses);
  const loss: LossKind = spec.kind === "linear_regression" ? "squared" : spec.kind === "logistic_regression" ? "logistic" : "multinomial";
  const problem = makeProblem({
    loss,
    x,
    y: y instanceof Float64Array ? y : Float64Array.from({ length: nRows }, (_, i) => y[i]!),
    nRows,
    nCols,
    nOutputs: loss === "multinomial" ? nClasses : 1,
    scaling,
    l2: spec.l2,
  });
  const solver = chooseSolver(spec, options.solver ?? "auto", nRows, nCols);
  const helpers = solver === "lbfgs" ? helperThreads(options.threads, nRows * nCols * problem.nOutputs, x.byteLength) : 0;
  startThreads(problem, helpers);
  let fit: Fit;
  try {
    fit = runSolver(solver, problem, spec, options);
  } finally {
    stopThreads(problem);
  }
  const { weights, intercepts } = foldScaling(problem, fit.theta);
  return makeTrainedModel({
    kind: spec.kind,
    task,
    nFeatures: nCols,
    nClasses,
    weights,
    intercepts,
    loss: fit.value,
    iterations: fit.iterations,
    converged: fit.converged,
    solver,
    threads: 1 + helpers,
    scaling: problem.scaling,
    standardized: {
      weights: fit.theta.slice(0, nCols * problem.nOutputs),
      intercepts: fit.theta.slice(nCols * problem.nOutputs),
    },
  });
}

/** Helper threads besides this one. */
function helperThreads(requested: number | undefined, values: number, rowBytes: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) throw new Error(`threads must be a positive integer, got ${requested}`);
    return requested - 1;
  }
  if (values < THREADED_MIN_VALUES) return 0;
  // a thread on a core that other work keeps busy only waits: results are the same either way
  const cores = availableParallelism();
  const idle = Math.round(cores - loadavg()[0]!);
  const helpers = Math.max(0, Math.min(cores, MAX_DEFAULT_THREADS, idle + 1) - 1);
  // the helpers' copy of their share of the rows must leave most of the free memory free
  return helpers > 0 && (rowBytes * helpers) / (helpers + 1) <= freemem() / 4 ? helpers : 0;
}

function chooseSolver(
  spec: BuiltinTrainerSpec,
  requested: "auto" | "lbfgs" | "minibatch",
  nRows: number,
  nCols: number,
): TrainedModel["solver"] {
  if (requested === "lbfgs") return "lbfgs";
  if (requested === "minibatch") return "minibatch";
  if (spec.kind === "linear_regression") return nCols <= CLOSED_FORM_MAX_INPUTS ? "closed_form" : "lbfgs";
  return spec.batchSize > 0 && spec.batchSize < nRows ? "minibatch" : "lbfgs";
}

interface Fit {
  theta: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

function runSolver(solver: TrainedModel["solver"], problem: Problem, spec: BuiltinTrainerSpec, options: TrainOptions): Fit {
  if (solver === "closed_form") {
    const theta = solveRidge(problem);
    const value = evaluateObjective(problem, theta, new Float64Array(theta.length));
    options.onProgress?.(1, value);
    return { theta, value, iterations: 1, converged: true };
  }
  const start = initialParameters(problem);
  if (solver === "minibatch") {
    if (!(spec.learningRate > 0)) throw new Error(`${spec.kind}: learning rate must be positive for mini-batch training`);
    return minimizeMinibatch(problem, start, {
      epochs: spec.epochs,
      learningRate: spec.learningRate,
      batchSize: spec.batchSize,
      tolerance: spec.tolerance,
      seed: options.seed ?? 0,
      onEpoch: options.onProgress,
    });
  }
  return minimizeLbfgs((theta, gradient) => evaluateObjective(problem, theta, gradient), start, {
    maxIterations: spec.epochs,
    tolerance: spec.tolerance,
    onIteration: options.onProgress,
  });
}

/** Zero weights; intercepts at the best constant model (mean, log-odds, log class frequencies). */
function initialParameters(problem: Problem): Float64Array {
  const theta = new Float64Array(parameterCount(problem));
  const interceptOffset = problem.nCols * problem.nOutputs;
  const { y, nRows } = problem;
  if (problem.loss === "multinomial") {
    const counts = new Float64Array(problem.nOutputs);
    for (let i = 0; i < nRows; i++) counts[y[i]!]!++;
    let meanLog = 0;
    for (let c = 0; c < counts.length; c++) meanLog += Math.log((counts[c]! + 1) / (nRows + counts.length));
    meanLog /= counts.length;
    for (let c = 0; c < counts.length; c++) theta[interceptOffset + c] = Math.log((counts[c]! + 1) / (nRows + counts.length)) - meanLog;
    return theta;
  }
  let mean = 0;
  for (let i = 0; i < nRows; i++) mean += y[i]!;
  mean /= nRows;
  theta[interceptOffset] = problem.loss === "logistic" ? Math.log((mean * nRows + 0.5) / ((1 - mean) * nRows + 0.5)) : mean;
  return theta;
}

function checkShapes(x: Float32Array, nRows: number, nCols: number, y: ArrayLike<number>): void {
  if (!(nRows > 0)) throw new Error("cannot train on zero rows");
  if (x.length !== nRows * nCols) throw new Error(`features: ${x.length} values for ${nRows} rows × ${nCols} columns`);
  if (y.length !== nRows) throw new Error(`target: ${y.length} values for ${nRows} rows`);
}

/** A column holding NaN or ±Inf has a non-finite mean; only then are its values searched, to name one. */
function checkFinite(x: Float32Array, nCols: number, scaling: ColumnScaling): void {
  if (scaling.mean.every(Number.isFinite)) return;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new Error(`features: row ${Math.floor(i / nCols)}, column ${i % nCols} is ${x[i]} (impute or drop it first)`);
    }
  }
}

function classCount(kind: BuiltinTrainerKind, task: Task, y: ArrayLike<number>, nRows: number, requested?: number): number {
  if (kind === "linear_regression") {
    if (task !== "regression") throw new Error(`linear_regression cannot train a ${task} model`);
    for (let i = 0; i < nRows; i++) if (!Number.isFinite(y[i]!)) throw new Error(`target: row ${i} is ${y[i]}`);
    return 1;
  }
  if (task === "regression") throw new Error(`${kind} cannot train a regression model`);
  if (kind === "logistic_regression" && task !== "binary_classification") {
    throw new Error(`logistic_regression is binary; use softmax_regression for ${task}`);
  }
  let maxLabel = 0;
  let mixed = false;
  for (let i = 0; i < nRows; i++) {
    const label = y[i]!;
    if (!Number.isInteger(label) || label < 0) throw new Error(`target: row ${i} has label ${label}; expected a class index 0..K-1`);
    maxLabel = Math.max(maxLabel, label);
    mixed ||= label !== y[0];
  }
  if (!mixed) throw new Error(`target: every row has class ${y[0]}; a classifier needs samples of at least two classes`);
  const k = task === "binary_classification" ? 2 : (requested ?? maxLabel + 1);
  if (maxLabel >= k) throw new Error(`target: label ${maxLabel} is out of range for ${k} classes`);
  if (k < 2) throw new Error("classification needs at least two classes");
  return k;
}
