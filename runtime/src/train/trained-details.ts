/** What a train step records about its model: the hyperparameters (language names), the fit, the coefficients. */
import type { TrainerSpec } from "@mlops/compiler";
import type { TrainedModel } from "./trained-model.js";

/** A trainer as the language writes it: `{ trainer: "logistic_regression", epochs: 200, l2: 0.001, ... }`. */
export function hyperparameters(trainer: TrainerSpec): Record<string, unknown> {
  switch (trainer.kind) {
    case "external":
      return { trainer: "external", command: trainer.command, ...(trainer.image ? { image: trainer.image } : {}), output: trainer.output };
    case "pretrained":
      return { trainer: "pretrained", path: trainer.path };
    default:
      return {
        trainer: trainer.kind,
        epochs: trainer.epochs,
        learning_rate: trainer.learningRate,
        l2: trainer.l2,
        batch_size: trainer.batchSize,
        tolerance: trainer.tolerance,
      };
  }
}

/** The step details of a built-in trainer's model: `hyperparameters`, `fit`, `coefficients`. */
export function trainedDetails(
  trainer: TrainerSpec,
  model: TrainedModel,
  rows: number,
  inputs: string[],
  outputs: string[],
): Record<string, unknown> {
  const k = model.intercepts.length;
  return {
    hyperparameters: hyperparameters(trainer),
    fit: { solver: model.solver, iterations: model.iterations, loss: model.loss, converged: model.converged, rows },
    coefficients: {
      inputs,
      outputs: outputs.length === k ? outputs : Array.from({ length: k }, (_, c) => `output ${c}`),
      weights: inputs.map((_, j) => Array.from({ length: k }, (_, c) => model.weights[j * k + c]!)),
      intercepts: Array.from(model.intercepts),
    },
  };
}
