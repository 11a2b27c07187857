/**
 * One training of a search: fit a candidate on a fold's training rows and predict its validation
 * rows. Pure (no I/O), so it runs the same in a worker thread (`fit-worker.ts`) or in-process.
 */
import type { BuiltinTrainerSpec, Task } from "@mlops/compiler";
import { train } from "../train/train.js";

export interface FitTask {
  trainer: BuiltinTrainerSpec;
  task: Task;
  /** Classes of a classification target (the multiclass output width). */
  nClasses: number;
  seed: number;
  /** Row-major [trainRows, width] (may live in a SharedArrayBuffer). */
  x: Float32Array;
  y: Float32Array;
  trainRows: number;
  width: number;
  /** Row-major [validateRows, width]. */
  xValidate: Float32Array;
  validateRows: number;
}

export interface FitResult {
  /** regression: predictions [N]; binary: P(positive) [N]; multiclass: probabilities [N, K]. */
  predictions: Float64Array;
  loss: number;
  iterations: number;
  converged: boolean;
  durationMs: number;
}

export function runFitTask(task: FitTask): FitResult {
  const started = performance.now();
  const model = train(task.trainer, task.task, task.x, task.trainRows, task.width, task.y, {
    seed: task.seed,
    // candidates already train in parallel, one per core
    threads: 1,
    ...(task.task === "multiclass_classification" ? { nClasses: task.nClasses } : {}),
  });
  const raw = model.predict(task.xValidate, task.validateRows);
  return {
    predictions: positiveColumn(task.task, raw, model.intercepts.length),
    loss: model.loss,
    iterations: model.iterations,
    converged: model.converged,
    durationMs: performance.now() - started,
  };
}

/** A binary task scored by a two-output softmax: keep P(positive). */
function positiveColumn(task: Task, predictions: Float64Array, outputs: number): Float64Array {
  if (task !== "binary_classification" || outputs !== 2) return predictions;
  const positive = new Float64Array(predictions.length / 2);
  for (let i = 0; i < positive.length; i++) positive[i] = predictions[2 * i + 1]!;
  return positive;
}
