/**
 * ONNX graphs for the built-in linear models (opset 17, IR version 8).
 *
 * Input: `features`, float32 [N, D] with a symbolic batch dimension `N`.
 * Outputs:
 * - regression: `prediction` float32 [N].
 * - binary classification: `label` int64 [N] (1 when P(positive) > 0.5),
 *   `probability` float32 [N] (P(positive)), `probabilities` float32 [N, 2]
 *   (column 0 = negative class, column 1 = positive class).
 * - multiclass: `label` int64 [N] (argmax), `probabilities` float32 [N, K].
 * Label i is the plan's `target.classes[i]`.
 *
 * Optional `inputTransform` puts `(x - offset) / scale` in front of the model
 * (Sub, Div); by default the model takes the already-transformed vector.
 */
import type { GraphMessage, NodeMessage, TensorMessage, ValueInfoMessage } from "@mlops/compiler";
import { encodeModel } from "@mlops/compiler/onnx";
import { floatTensor, intAttribute, node, tensorValue } from "./onnx-graph.js";

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT = "features";
export const ONNX_OUTPUTS = {
  prediction: "prediction",
  label: "label",
  probability: "probability",
  probabilities: "probabilities",
} as const;

export interface InputTransform {
  /** Subtracted from each column. */
  offset: ArrayLike<number>;
  /** Each centred column is divided by it (must not be 0). */
  scale: ArrayLike<number>;
}

export interface OnnxModelOptions {
  /** Graph name and doc string. */
  name?: string;
  doc?: string;
  producerVersion?: string;
  /** Extra metadata_props (e.g. class labels, trainer). */
  metadata?: Record<string, string>;
  inputTransform?: InputTransform;
}

interface GraphParts {
  nodes: NodeMessage[];
  initializers: TensorMessage[];
  outputs: ValueInfoMessage[];
}

/** `prediction = features · weights + intercept`. */
export function linearRegressionOnnx(weights: ArrayLike<number>, intercept: number, options: OnnxModelOptions = {}): Uint8Array {
  const d = weights.length;
  return buildModel(d, options, (input) => ({
    nodes: [node("MatMul", [input, "W"], ["xw"]), node("Add", ["xw", "B"], [ONNX_OUTPUTS.prediction])],
    initializers: [floatTensor("W", [d], weights), floatTensor("B", [1], [intercept])],
    outputs: [tensorValue(ONNX_OUTPUTS.prediction, "float32", ["N"])],
  }));
}

/** Binary logistic model: P(positive) = sigmoid(features · weights + intercept). */
export function logisticRegressionOnnx(weights: ArrayLike<number>, intercept: number, options: OnnxModelOptions = {}): Uint8Array {
  const d = weights.length;
  return buildModel(d, options, (input) => ({
    nodes: [
      node("MatMul", [input, "W"], ["xw"]),
      node("Add", ["xw", "B"], ["logit"]),
      node("Sigmoid", ["logit"], ["p_positive"]),
      node("Sub", ["one", "p_positive"], ["p_negative"]),
      node("Concat", ["p_negative", "p_positive"], [ONNX_OUTPUTS.probabilities], [intAttribute("axis", 1)]),
      node("ArgMax", [ONNX_OUTPUTS.probabilities], [ONNX_OUTPUTS.label], [intAttribute("axis", 1), intAttribute("keepdims", 0)]),
      node("Squeeze", ["p_positive", "axis1"], [ONNX_OUTPUTS.probability]),
    ],
    initializers: [
      floatTensor("W", [d, 1], weights),
      floatTensor("B", [1], [intercept]),
      floatTensor("one", [1], [1]),
      int64Tensor("axis1", [1], [1]),
    ],
    outputs: [
      tensorValue(ONNX_OUTPUTS.label, "int64", ["N"]),
      tensorValue(ONNX_OUTPUTS.probability, "float32", ["N"]),
      tensorValue(ONNX_OUTPUTS.probabilities, "float32", ["N", 2]),
    ],
  }));
}

/**
 * Multinomial model: probabilities = softmax(features · W + b).
 * `weights` is row-major [D, K] (column k holds class k's coefficients).
 */
export function softmaxRegressionOnnx(
  weights: ArrayLike<number>,
  intercepts: ArrayLike<number>,
  options: OnnxModelOptions = {},
): Uint8Array {
  const k = intercepts.length;
  if (k < 2 || weights.length % k !== 0) throw new Error(`softmax model: ${weights.length} weights for ${k} classes`);
  const d = weights.length / k;
  return buildModel(d, options, (input) => ({
    nodes: [
      node("MatMul", [input, "W"], ["xw"]),
      node("Add", ["xw", "B"], ["logits"]),
      node("Softmax", ["logits"], [ONNX_OUTPUTS.probabilities], [intAttribute("axis", -1)]),
      node("ArgMax", ["logits"], [ONNX_OUTPUTS.label], [intAttribute("axis", 1), intAttribute("keepdims", 0)]),
    ],
    initializers: [floatTensor("W", [d, k], weights), floatTensor("B", [k], intercepts)],
    outputs: [tensorValue(ONNX_OUTPUTS.label, "int64", ["N"]), tensorValue(ONNX_OUTPUTS.probabilities, "float32", ["N", k])],
  }));
}

function int64Tensor(name: string, dims: number[], values: number[]): TensorMessage {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dataType: 7, dims, rawData: bytes };
}

function buildModel(d: number, options: OnnxModelOptions, body: (input: string) => GraphParts): Uint8Array {
  const transform = transformParts(d, options.inputTransform);
  const parts = body(transform ? "features_transformed" : ONNX_INPUT);
  const graph: GraphMessage = {
    name: options.name ?? "model",
    docString: options.doc ?? "",
    node: [...(transform?.nodes ?? []), ...parts.nodes],
    initializer: [...(transform?.initializers ?? []), ...parts.initializers],
    input: [tensorValue(ONNX_INPUT, "float32", ["N", d])],
    output: parts.outputs,
  };
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "mlops",
    producerVersion: options.producerVersion ?? "0.1.0",
    graph,
    metadataProps: Object.entries(options.metadata ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value })),
  });
}

function transformParts(d: number, transform: InputTransform | undefined): Omit<GraphParts, "outputs"> | null {
  if (!transform) return null;
  if (transform.offset.length !== d || transform.scale.length !== d) {
    throw new Error(`input transform: expected ${d} offsets and scales`);
  }
  for (let j = 0; j < d; j++) if (transform.scale[j] === 0) throw new Error(`input transform: scale of column ${j} is 0`);
  return {
    nodes: [
      node("Sub", [ONNX_INPUT, "transform_offset"], ["features_centred"]),
      node("Div", ["features_centred", "transform_scale"], ["features_transformed"]),
    ],
    initializers: [floatTensor("transform_offset", [d], transform.offset), floatTensor("transform_scale", [d], transform.scale)],
  };
}
