/** Reads what a task needs from an ONNX model's outputs (built-in names first, then any float output). */
import type { Task } from "@mlops/compiler";
import type { BatchOutput } from "../onnx/predict-batch.js";

export interface TaskScores {
  /** regression: predictions [N]; binary: P(positive) [N]; multiclass: probabilities [N, K]. */
  values: Float64Array;
  width: number;
}

export function taskScores(task: Task, outputs: Record<string, BatchOutput>, nClasses: number): TaskScores {
  const floats = Object.entries(outputs).filter(([, o]) => o.data instanceof Float32Array || o.data instanceof Float64Array);
  const named = (name: string): BatchOutput | undefined => floats.find(([n]) => n === name)?.[1];
  const first = (width?: number): BatchOutput | undefined => floats.find(([, o]) => width === undefined || o.width === width)?.[1];
  const toF64 = (o: BatchOutput): Float64Array => Float64Array.from(o.data as Float32Array);
  if (task === "regression") {
    const out = named("prediction") ?? named("variable") ?? first(1);
    if (!out) throw new Error("the model has no float output of width 1 to read a regression prediction from");
    return { values: toF64(out), width: 1 };
  }
  if (task === "binary_classification") {
    const probability = named("probability");
    if (probability && probability.width === 1) return { values: toF64(probability), width: 1 };
    const both = named("probabilities") ?? first(2);
    if (both && both.width === 2) {
      const values = new Float64Array(both.data.length / 2);
      for (let i = 0; i < values.length; i++) values[i] = Number(both.data[i * 2 + 1]!);
      return { values, width: 1 };
    }
    const single = first(1);
    if (single) return { values: toF64(single), width: 1 };
    throw new Error("the model has no probability output (width 1 or 2)");
  }
  const probabilities = named("probabilities") ?? first(nClasses);
  if (!probabilities || probabilities.width !== nClasses) throw new Error(`the model has no probabilities output of width ${nClasses}`);
  return { values: toF64(probabilities), width: nClasses };
}

/** The predicted class index of row `i` (binary: 1 when P(positive) > 0.5; multiclass: the argmax, first on ties). */
export function predictedClass(scores: TaskScores, i: number): number {
  const { values, width } = scores;
  if (width === 1) return values[i]! > 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < width; k++) if (values[i * width + k]! > values[i * width + best]!) best = k;
  return best;
}
