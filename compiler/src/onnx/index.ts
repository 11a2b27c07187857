/**
 * `@mlops/compiler/onnx`: reading and writing ONNX model files (protobuf) and a model's input and
 * output signature. Loaded only by the code that trains, composes, exports or serves models.
 */
export { readOnnxSignature, onnxRoot, tensorToString } from "../checker/onnx-signature.js";
export {
  encodeModel,
  decodeModel,
  elementTypeName,
  int64ToNumber,
  OnnxDataType,
  AttributeType,
  ModelProtoType,
  type OnnxElementType,
  type Int64,
  type ModelMessage,
  type GraphMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
  type AttributeMessage,
  type FunctionMessage,
  type TypeMessage,
  type TensorTypeMessage,
  type DimensionMessage,
} from "./onnx-proto.js";
