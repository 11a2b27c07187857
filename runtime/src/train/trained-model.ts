/** A fitted built-in linear model: weights in the caller's feature space, prediction and ONNX export. */
import type { Task } from "@mlops/compiler";
import type { Solver } from "@mlops/compiler/core";
import { linearRegressionOnnx, logisticRegressionOnnx, softmaxRegressionOnnx, type OnnxModelOptions } from "../onnx/linear-models.js";

export type BuiltinTrainerKind = "logistic_regression" | "softmax_regression" | "linear_regression";

export interface TrainedModel {
  kind: BuiltinTrainerKind;
  task: Task;
  nFeatures: number;
  /** Classes (2 for binary, K for multiclass); 1 for regression. */
  nClasses: number;
  /**
   * Row-major [nFeatures, nOutputs]: nOutputs is K for softmax_regression and 1 otherwise
   * (for a binary logistic model, the coefficients of the positive class).
   */
  weights: Float64Array;
  /** [nOutputs] */
  intercepts: Float64Array;
  /** Final training objective (mean loss + l2 penalty). */
  loss: number;
  /** Optimizer iterations (L-BFGS) or epochs (mini-batch); 1 for the closed-form ridge. */
  iterations: number;
  converged: boolean;
  solver: Solver;
  /** Threads that shared the solver's passes over the data (the model does not depend on it). */
  threads: number;
  /** The column centring/scaling used in training (population mean and std; std 1 for constant columns). */
  scaling: { mean: Float64Array; scale: Float64Array };
  /** The same model on standardised columns ((x - mean) / scale): weights [nFeatures, nOutputs], intercepts [nOutputs]. */
  standardized: { weights: Float64Array; intercepts: Float64Array };
  /**
   * regression: predictions [N]; binary: P(positive) [N]; multiclass: probabilities [N, K] row-major.
   * Computed in float64 (the ONNX model computes in float32).
   */
  predict(x: Float32Array, nRows: number): Float64Array;
  toOnnx(options?: TrainedOnnxOptions): Uint8Array;
}

export interface TrainedOnnxOptions extends Omit<OnnxModelOptions, "inputTransform"> {
  /**
   * Put the training standardisation into the graph (Sub, Div, then the standardised
   * weights) instead of folding it into the weights: better float32 accuracy when
   * columns have large offsets. The input is the same raw feature vector either way.
   */
  standardizeInGraph?: boolean;
}

export function makeTrainedModel(fields: Omit<TrainedModel, "predict" | "toOnnx">): TrainedModel {
  return {
    ...fields,
    predict: (x, nRows) => predictLinear(fields, x, nRows),
    toOnnx: (options) => exportOnnx(fields, options),
  };
}

function exportOnnx(model: Omit<TrainedModel, "predict" | "toOnnx">, options: TrainedOnnxOptions = {}): Uint8Array {
  const { standardizeInGraph, ...rest } = options;
  const graphOptions: OnnxModelOptions = {
    ...rest,
    metadata: { trainer: model.kind, task: model.task, ...options.metadata },
    ...(standardizeInGraph ? { inputTransform: { offset: model.scaling.mean, scale: model.scaling.scale } } : {}),
  };
  const { weights, intercepts } = standardizeInGraph ? model.standardized : model;
  switch (model.kind) {
    case "linear_regression":
      return linearRegressionOnnx(weights, intercepts[0]!, graphOptions);
    case "logistic_regression":
      return logisticRegressionOnnx(weights, intercepts[0]!, graphOptions);
    case "softmax_regression":
      return softmaxRegressionOnnx(weights, intercepts, graphOptions);
  }
}

function predictLinear(model: Omit<TrainedModel, "predict" | "toOnnx">, x: Float32Array, nRows: number): Float64Array {
  const d = model.nFeatures;
  const k = model.intercepts.length;
  if (x.length !== nRows * d) throw new Error(`predict: ${x.length} values for ${nRows} rows of ${d} features`);
  const out = new Float64Array(nRows * k);
  for (let i = 0; i < nRows; i++) {
    for (let c = 0; c < k; c++) {
      let f = model.intercepts[c]!;
      for (let j = 0; j < d; j++) f += x[i * d + j]! * model.weights[j * k + c]!;
      out[i * k + c] = f;
    }
    if (model.kind === "logistic_regression") out[i] = 1 / (1 + Math.exp(-out[i]!));
    if (model.kind === "softmax_regression") softmaxInPlace(out, i * k, k);
  }
  return out;
}

function softmaxInPlace(values: Float64Array, offset: number, k: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, values[offset + c]!);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    values[offset + c] = Math.exp(values[offset + c]! - max);
    sum += values[offset + c]!;
  }
  for (let c = 0; c < k; c++) values[offset + c]! /= sum;
}
