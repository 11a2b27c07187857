/**
 * The part of `onnx.proto` (proto2, IR version 8) that the compiler reads
 * (pretrained signatures) and the runtime writes (built-in models, feature graphs) and rewrites
 * (a pretrained or external model composed behind the feature graph), declared as a protobufjs
 * JSON descriptor: field numbers and types exactly as in onnx/onnx.proto. Every field a model
 * can carry through a decode → encode round trip is listed (functions, sparse initializers,
 * external-data references, quantization annotations); the training-only `training_info` is not.
 */
// The light build: reflection from a JSON descriptor, without the .proto parser of the full one.
import protobuf from "protobufjs/light.js";

const repeated = "repeated" as const;

const descriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            refAttrName: { type: "string", id: 21 },
            docString: { type: "string", id: 13 },
            type: { type: "AttributeType", id: 20 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            g: { type: "GraphProto", id: 6 },
            tp: { type: "TypeProto", id: 14 },
            floats: { rule: repeated, type: "float", id: 7 },
            ints: { rule: repeated, type: "int64", id: 8 },
            strings: { rule: repeated, type: "bytes", id: 9 },
            tensors: { rule: repeated, type: "TensorProto", id: 10 },
            graphs: { rule: repeated, type: "GraphProto", id: 11 },
            sparseTensor: { type: "SparseTensorProto", id: 22 },
            sparseTensors: { rule: repeated, type: "SparseTensorProto", id: 23 },
            typeProtos: { rule: repeated, type: "TypeProto", id: 15 },
          },
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                INT: 2,
                STRING: 3,
                TENSOR: 4,
                GRAPH: 5,
                FLOATS: 6,
                INTS: 7,
                STRINGS: 8,
                TENSORS: 9,
                GRAPHS: 10,
                SPARSE_TENSOR: 11,
                SPARSE_TENSORS: 12,
                TYPE_PROTO: 13,
                TYPE_PROTOS: 14,
              },
            },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: repeated, type: "string", id: 1 },
            output: { rule: repeated, type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            domain: { type: "string", id: 7 },
            attribute: { rule: repeated, type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
            overload: { type: "string", id: 8 },
            metadataProps: { rule: repeated, type: "StringStringEntryProto", id: 9 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { rule: repeated, type: "OperatorSetIdProto", id: 8 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            metadataProps: { rule: repeated, type: "StringStringEntryProto", id: 14 },
            functions: { rule: repeated, type: "FunctionProto", id: 25 },
          },
        },
        FunctionProto: {
          fields: {
            name: { type: "string", id: 1 },
            input: { rule: repeated, type: "string", id: 4 },
            output: { rule: repeated, type: "string", id: 5 },
            attribute: { rule: repeated, type: "string", id: 6 },
            attributeProto: { rule: repeated, type: "AttributeProto", id: 11 },
            node: { rule: repeated, type: "NodeProto", id: 7 },
            docString: { type: "string", id: 8 },
            opsetImport: { rule: repeated, type: "OperatorSetIdProto", id: 9 },
            domain: { type: "string", id: 10 },
            overload: { type: "string", id: 13 },
            valueInfo: { rule: repeated, type: "ValueInfoProto", id: 12 },
            metadataProps: { rule: repeated, type: "StringStringEntryProto", id: 14 },
          },
        },
        SparseTensorProto: {
          fields: {
            values: { type: "TensorProto", id: 1 },
            indices: { type: "TensorProto", id: 2 },
            dims: { rule: repeated, type: "int64", id: 3, options: { packed: true } },
          },
        },
        TensorAnnotation: {
          fields: {
            tensorName: { type: "string", id: 1 },
            quantParameterTensorNames: { rule: repeated, type: "StringStringEntryProto", id: 2 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: "string", id: 1 },
            value: { type: "string", id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: repeated, type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: repeated, type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: repeated, type: "ValueInfoProto", id: 11 },
            output: { rule: repeated, type: "ValueInfoProto", id: 12 },
            valueInfo: { rule: repeated, type: "ValueInfoProto", id: 13 },
            sparseInitializer: { rule: repeated, type: "SparseTensorProto", id: 15 },
            quantizationAnnotation: { rule: repeated, type: "TensorAnnotation", id: 14 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: repeated, type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            floatData: { rule: repeated, type: "float", id: 4, options: { packed: true } },
            int32Data: { rule: repeated, type: "int32", id: 5, options: { packed: true } },
            stringData: { rule: repeated, type: "bytes", id: 6 },
            int64Data: { rule: repeated, type: "int64", id: 7, options: { packed: true } },
            name: { type: "string", id: 8 },
            docString: { type: "string", id: 12 },
            rawData: { type: "bytes", id: 9 },
            doubleData: { rule: repeated, type: "double", id: 10, options: { packed: true } },
            uint64Data: { rule: repeated, type: "uint64", id: 11, options: { packed: true } },
            segment: { type: "Segment", id: 3 },
            externalData: { rule: repeated, type: "StringStringEntryProto", id: 13 },
            dataLocation: { type: "int32", id: 14 },
          },
          nested: {
            Segment: {
              fields: {
                begin: { type: "int64", id: 1 },
                end: { type: "int64", id: 2 },
              },
            },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: repeated, type: "Dimension", id: 1 },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: { type: "int64", id: 1 },
                dimParam: { type: "string", id: 2 },
                denotation: { type: "string", id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType", "sequenceType", "mapType", "optionalType", "sparseTensorType"] } },
          fields: {
            tensorType: { type: "Tensor", id: 1 },
            sequenceType: { type: "Sequence", id: 4 },
            mapType: { type: "Map", id: 5 },
            optionalType: { type: "Optional", id: 9 },
            sparseTensorType: { type: "Tensor", id: 8 },
            denotation: { type: "string", id: 6 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
            Sequence: { fields: { elemType: { type: "TypeProto", id: 1 } } },
            Map: {
              fields: {
                keyType: { type: "int32", id: 1 },
                valueType: { type: "TypeProto", id: 2 },
              },
            },
            Optional: { fields: { elemType: { type: "TypeProto", id: 1 } } },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: "string", id: 1 },
            version: { type: "int64", id: 2 },
          },
        },
      },
    },
  },
};

/** The protobuf types (exported so tools and tests can write small ONNX files). */
export const onnxRoot = protobuf.Root.fromJSON(descriptor);
const root = onnxRoot;

export const ModelProtoType = root.lookupType("onnx.ModelProto");

/** TensorProto.DataType codes. */
export const OnnxDataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  complex64: 14,
  complex128: 15,
  bfloat16: 16,
} as const;

export type OnnxElementType = keyof typeof OnnxDataType;

export function elementTypeName(code: number): string {
  for (const [name, value] of Object.entries(OnnxDataType)) if (value === code) return name;
  return `unknown(${code})`;
}

export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

// ---- plain shapes of the decoded/encoded messages (camelCase, as protobufjs exposes them)

/** protobufjs gives int64 as a number or, with `long` installed, a Long. */
export type Int64 = number | { toNumber(): number };

export interface DimensionMessage {
  dimValue?: Int64;
  dimParam?: string;
}
export interface TensorTypeMessage {
  elemType?: number;
  shape?: { dim?: DimensionMessage[] };
}
export interface TypeMessage {
  tensorType?: TensorTypeMessage;
  sequenceType?: { elemType?: TypeMessage };
  mapType?: { keyType?: number; valueType?: TypeMessage };
  optionalType?: { elemType?: TypeMessage };
  sparseTensorType?: TensorTypeMessage;
}
export interface ValueInfoMessage {
  name?: string;
  type?: TypeMessage;
}
export interface AttributeMessage {
  name: string;
  type: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorMessage;
  g?: GraphMessage;
  ints?: Int64[];
  floats?: number[];
  strings?: Uint8Array[];
  graphs?: GraphMessage[];
}
export interface NodeMessage {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeMessage[];
}
export interface TensorMessage {
  name: string;
  dataType: number;
  dims: Int64[];
  rawData?: Uint8Array;
  /** UTF-8 bytes of each element of a string tensor. */
  stringData?: Uint8Array[];
  /** Set when the values live in a file beside the model (`data_location = EXTERNAL`). */
  externalData?: Array<{ key?: string; value?: string }>;
  dataLocation?: number;
}
export interface GraphMessage {
  name?: string;
  node?: NodeMessage[];
  initializer?: TensorMessage[];
  input?: ValueInfoMessage[];
  output?: ValueInfoMessage[];
  valueInfo?: ValueInfoMessage[];
  docString?: string;
  sparseInitializer?: Array<{ values?: TensorMessage; indices?: TensorMessage; dims?: Int64[] }>;
  quantizationAnnotation?: Array<{ tensorName?: string; quantParameterTensorNames?: Array<{ key?: string; value?: string }> }>;
}
export interface FunctionMessage {
  name?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  node?: NodeMessage[];
  opsetImport?: Array<{ domain?: string; version?: Int64 }>;
}
export interface ModelMessage {
  irVersion?: Int64;
  opsetImport?: Array<{ domain?: string; version?: Int64 }>;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph?: GraphMessage;
  metadataProps?: Array<{ key?: string; value?: string }>;
  functions?: FunctionMessage[];
}

export function int64ToNumber(value: Int64 | undefined | null): number {
  if (value === undefined || value === null) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

export function encodeModel(model: ModelMessage): Uint8Array {
  const message = ModelProtoType.fromObject(model);
  return ModelProtoType.encode(message).finish();
}

export function decodeModel(bytes: Uint8Array): ModelMessage {
  return ModelProtoType.toObject(ModelProtoType.decode(bytes), { defaults: false }) as ModelMessage;
}
