/** Checks an ONNX model (external or pretrained) against what the plan feeds it and the task needs. */
import type { ModelSpec, OnnxSignature } from "@mlops/compiler";
import { readOnnxSignature } from "../onnx/read-signature.js";
import { StepFailure } from "../executor/step-context.js";

/** Returns the signature; throws a StepFailure listing every mismatch. */
export function checkOnnxModel(bytes: Uint8Array, model: ModelSpec, width: number, origin: string): OnnxSignature {
  let signature: OnnxSignature;
  try {
    signature = readOnnxSignature(bytes);
  } catch (error) {
    throw new StepFailure(`${origin}: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  if (signature.inputs.length !== 1)
    problems.push(`expected 1 input tensor, found ${signature.inputs.length} (${signature.inputs.map((i) => i.name).join(", ")})`);
  const input = signature.inputs[0];
  if (input) {
    if (input.elementType !== "float32") problems.push(`input ${input.name} is ${input.elementType}, expected float32`);
    const last = input.shape[input.shape.length - 1];
    if (input.shape.length !== 2) problems.push(`input ${input.name} has rank ${input.shape.length}, expected [batch, ${width}]`);
    else if (last !== null && last !== width)
      problems.push(`input ${input.name} takes ${last} features, the plan's features give ${width}`);
  }
  const numeric = signature.outputs.filter((o) => o.elementType === "float32" || o.elementType === "float64" || o.elementType === "int64");
  if (numeric.length === 0)
    problems.push(`no numeric output tensor (outputs: ${signature.outputs.map((o) => `${o.name}: ${o.elementType}`).join(", ")})`);
  if (model.task !== "regression" && !signature.outputs.some((o) => o.elementType.startsWith("float"))) {
    problems.push(`a ${model.task.replace(/_/g, " ")} model needs a float probability output`);
  }
  if (problems.length > 0)
    throw new StepFailure(`${origin} does not fit model ${model.name}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return signature;
}
