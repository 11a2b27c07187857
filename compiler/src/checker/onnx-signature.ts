/**
 * Reads a pretrained ONNX model's input/output signature at compile time.
 * The protobuf subset is shared with the runtime's ONNX writer (`onnx/onnx-proto.ts`).
 */
import type { OnnxSignature, OnnxTensorSpec } from "../plan/types.js";
import {
  decodeModel,
  elementTypeName,
  int64ToNumber,
  type ModelMessage,
  type TypeMessage,
  type ValueInfoMessage,
} from "../onnx/onnx-proto.js";

export { onnxRoot } from "../onnx/onnx-proto.js";

/**
 * The signature, or an error message when the bytes are not an ONNX model.
 * Graph inputs that are initializers (older exporters list weights as inputs)
 * are left out; symbolic or unknown dimensions are `null`; non-tensor values
 * get an element type like `seq(map(int64,float32))` and an empty shape.
 */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature | { error: string } {
  let model: ModelMessage;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    return { error: `not an ONNX model (${(error as Error).message})` };
  }
  const graph = model.graph;
  if (!graph?.output?.length) return { error: "not an ONNX model: it has no graph outputs" };
  const weights = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    inputs: (graph.input ?? []).filter((v) => !weights.has(v.name ?? "")).map(tensorSpec),
    outputs: graph.output.map(tensorSpec),
  };
}

function tensorSpec(value: ValueInfoMessage): OnnxTensorSpec {
  const tensor = value.type?.tensorType;
  return {
    name: value.name ?? "",
    elementType: typeName(value.type),
    shape: tensor?.shape?.dim?.map((d) => (d.dimValue !== undefined && d.dimValue !== null ? int64ToNumber(d.dimValue) : null)) ?? [],
  };
}

function typeName(type: TypeMessage | undefined): string {
  if (!type) return "unknown";
  if (type.tensorType) return elementTypeName(type.tensorType.elemType ?? 0);
  if (type.sequenceType) return `seq(${typeName(type.sequenceType.elemType)})`;
  if (type.mapType) return `map(${elementTypeName(type.mapType.keyType ?? 0)},${typeName(type.mapType.valueType)})`;
  if (type.optionalType) return `optional(${typeName(type.optionalType.elemType)})`;
  if (type.sparseTensorType) return `sparse(${elementTypeName(type.sparseTensorType.elemType ?? 0)})`;
  return "unknown";
}

/** `tensor<float32, [?, 4]>` */
export function tensorToString(t: OnnxTensorSpec): string {
  return `tensor<${t.elementType}, [${t.shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]>`;
}
