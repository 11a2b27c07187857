/**
 * Mini-batch gradient descent on the same objective, for trainers given a
 * batch size smaller than the data: seeded shuffle every epoch, constant
 * learning rate, stops when the epoch's mean loss has not improved by more
 * than `tolerance` for 5 epochs in a row (scikit-learn's SGD rule).
 */
import { permutation, seededRandom } from "../random/seeded-random.js";
import { evaluateObjective, type Problem } from "./objective.js";

export interface MinibatchOptions {
  epochs: number;
  learningRate: number;
  batchSize: number;
  tolerance: number;
  seed: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface MinibatchResult {
  theta: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

const PATIENCE = 5;

export function minimizeMinibatch(problem: Problem, start: Float64Array, options: MinibatchOptions): MinibatchResult {
  const random = seededRandom(options.seed);
  const theta = Float64Array.from(start);
  const gradient = new Float64Array(theta.length);
  let best = Infinity;
  let stale = 0;
  let epoch = 0;
  while (epoch < options.epochs) {
    epoch++;
    const order = permutation(problem.nRows, random);
    let lossSum = 0;
    for (let begin = 0; begin < order.length; begin += options.batchSize) {
      const batch = order.subarray(begin, Math.min(order.length, begin + options.batchSize));
      lossSum += evaluateObjective(problem, theta, gradient, batch) * batch.length;
      for (let i = 0; i < theta.length; i++) theta[i]! -= options.learningRate * gradient[i]!;
    }
    const epochLoss = lossSum / Math.max(1, problem.nRows);
    if (!Number.isFinite(epochLoss)) throw new Error(`training diverged at epoch ${epoch}: lower the learning rate`);
    options.onEpoch?.(epoch, epochLoss);
    if (epochLoss > best - options.tolerance) stale++;
    else stale = 0;
    best = Math.min(best, epochLoss);
    if (stale >= PATIENCE) break;
  }
  const value = evaluateObjective(problem, theta, gradient);
  return { theta, value, iterations: epoch, converged: stale >= PATIENCE };
}
