/**
 * Reads a pretrained ONNX model's input/output signature at compile time.
 * Only the part of `onnx.proto` needed for it is declared (field numbers as in
 * onnx/onnx.proto); everything else in the file is skipped by the decoder.
 */
import protobuf from "protobufjs";
import type { OnnxSignature, OnnxTensorSpec } from "../plan/types.js";

const repeated = "repeated" as const;

const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: { fields: { irVersion: { type: "int64", id: 1 }, graph: { type: "GraphProto", id: 7 } } },
        GraphProto: {
          fields: {
            name: { type: "string", id: 2 },
            initializer: { rule: repeated, type: "TensorProto", id: 5 },
            input: { rule: repeated, type: "ValueInfoProto", id: 11 },
            output: { rule: repeated, type: "ValueInfoProto", id: 12 },
          },
        },
        TensorProto: { fields: { name: { type: "string", id: 8 } } },
        ValueInfoProto: { fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 } } },
        TypeProto: {
          fields: {
            tensorType: { type: "Tensor", id: 1 },
            sequenceType: { type: "Sequence", id: 4 },
            mapType: { type: "Map", id: 5 },
          },
          nested: {
            Tensor: { fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } } },
            Sequence: { fields: { elemType: { type: "TypeProto", id: 1 } } },
            Map: { fields: { keyType: { type: "int32", id: 1 }, valueType: { type: "TypeProto", id: 2 } } },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: repeated, type: "Dimension", id: 1 } },
          nested: { Dimension: { fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 } } } },
        },
      },
    },
  },
};

/** The protobuf types (exported so tests can write small ONNX files). */
export const onnxRoot = protobuf.Root.fromJSON(descriptor);
const ModelProto = onnxRoot.lookupType("onnx.ModelProto");

const ELEMENT_TYPES: Record<number, string> = {
  1: "float32",
  2: "uint8",
  3: "int8",
  4: "uint16",
  5: "int16",
  6: "int32",
  7: "int64",
  8: "string",
  9: "bool",
  10: "float16",
  11: "float64",
  12: "uint32",
  13: "uint64",
  16: "bfloat16",
};

interface TypeMessage {
  tensorType?: { elemType?: number; shape?: { dim?: Array<{ dimValue?: number | { toNumber(): number }; dimParam?: string }> } };
  sequenceType?: { elemType?: TypeMessage };
  mapType?: { keyType?: number; valueType?: TypeMessage };
}

interface ValueInfo {
  name?: string;
  type?: TypeMessage;
}

interface ModelMessage {
  graph?: { initializer?: Array<{ name?: string }>; input?: ValueInfo[]; output?: ValueInfo[] };
}

/** The signature, or an error message when the bytes are not an ONNX model. */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature | { error: string } {
  let model: ModelMessage;
  try {
    model = ModelProto.toObject(ModelProto.decode(bytes), { defaults: false }) as ModelMessage;
  } catch (error) {
    return { error: `not an ONNX model (${(error as Error).message})` };
  }
  const graph = model.graph;
  if (!graph || !graph.output?.length) return { error: "not an ONNX model: it has no graph outputs" };
  const weights = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    inputs: (graph.input ?? []).filter((v) => !weights.has(v.name)).map(tensorSpec),
    outputs: graph.output.map(tensorSpec),
  };
}

function tensorSpec(value: ValueInfo): OnnxTensorSpec {
  const tensor = value.type?.tensorType;
  return {
    name: value.name ?? "",
    elementType: typeName(value.type),
    shape:
      tensor?.shape?.dim?.map((d) => {
        if (d.dimValue === undefined || d.dimValue === null) return null;
        return typeof d.dimValue === "number" ? d.dimValue : d.dimValue.toNumber();
      }) ?? [],
  };
}

function typeName(type: TypeMessage | undefined): string {
  if (!type) return "unknown";
  if (type.tensorType) return ELEMENT_TYPES[type.tensorType.elemType ?? 0] ?? "unknown";
  if (type.sequenceType) return `seq(${typeName(type.sequenceType.elemType)})`;
  if (type.mapType) return `map(${ELEMENT_TYPES[type.mapType.keyType ?? 0] ?? "unknown"},${typeName(type.mapType.valueType)})`;
  return "unknown";
}

/** `tensor<float32, [?, 4]>` */
export function tensorToString(t: OnnxTensorSpec): string {
  return `tensor<${t.elementType}, [${t.shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]>`;
}
