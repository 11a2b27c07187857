/**
 * One instance's answer from the task's scores: `{label, probabilities}` for a classifier (the
 * label by name, one probability per class), `{value}` for a regression. The same numbers batch
 * scoring writes (binary: `probabilities[positive]` is its `probability`).
 */
import type { Task } from "@mlops/compiler";
import { predictedClass, type TaskScores } from "../steps/model-outputs.js";

export type Prediction = { label: string; probabilities: Record<string, number> } | { value: number };

export function predictionAt(task: Task, classes: readonly string[], scores: TaskScores, i: number): Prediction {
  const { values, width } = scores;
  if (task === "regression") return { value: values[i]! };
  const best = predictedClass(scores, i);
  const probabilities: Record<string, number> = {};
  if (width === 1) {
    const p = values[i]!;
    probabilities[classLabel(classes, 0)] = 1 - p;
    probabilities[classLabel(classes, 1)] = p;
  } else {
    for (let k = 0; k < width; k++) probabilities[classLabel(classes, k)] = values[i * width + k]!;
  }
  return { label: classLabel(classes, best), probabilities };
}

export function classLabel(classes: readonly string[], index: number): string {
  return classes[index] ?? String(index);
}

/** The class probabilities of every row, row-major [N, K] (binary: [1 − p, p]). */
export function probabilityMatrix(scores: TaskScores, rows: number): number[] {
  if (scores.width > 1) return Array.from(scores.values.subarray(0, rows * scores.width));
  const out = new Array<number>(rows * 2);
  for (let i = 0; i < rows; i++) {
    out[i * 2] = 1 - scores.values[i]!;
    out[i * 2 + 1] = scores.values[i]!;
  }
  return out;
}

/** The predicted label of every row. */
export function predictedClassLabels(scores: TaskScores, rows: number, classes: readonly string[]): string[] {
  const labels = new Array<string>(rows);
  for (let i = 0; i < rows; i++) labels[i] = classLabel(classes, predictedClass(scores, i));
  return labels;
}
