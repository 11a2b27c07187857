/**
 * One ONNX graph from raw columns to prediction: the feature graph in front of a model that
 * takes the float32 feature vector (a built-in model, an external trainer's or a pretrained one),
 * then the task's outputs (`graph-contract.ts`). The model's own graph is kept as it is, with its
 * value names prefixed `model/`.
 */
import type { ModelMessage, OnnxTensorSpec, Task } from "@mlops/compiler";
import { decodeModel, encodeModel, int64ToNumber, readOnnxSignature } from "@mlops/compiler/onnx";
import type { FittedFeatures } from "../features/feature-pipeline.js";
import { buildFeatureGraph } from "./feature-graph.js";
import { GRAPH_FORMAT, GRAPH_METADATA_KEY, OUTPUTS, type GraphMetadata } from "./graph-contract.js";
import { attr, DOMAIN_ML, OnnxBuilder, tensorValue } from "./onnx-builder.js";
import { prefixGraphNames } from "./rename-graph.js";

const MODEL_PREFIX = "model/";
/** The oldest default-domain opset whose operators the feature graph uses with today's meaning. */
const MIN_OPSET = 13;
const FEATURE_OPSET = 17;
const MIN_ML_OPSET = 2;
const IR_VERSION = 8;
const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

export interface ModelGraphOptions {
  fitted: FittedFeatures;
  /** An ONNX model with one float32 input `[N, width]` (built-in, external or pretrained). */
  model: Uint8Array;
  name: string;
  task: Task;
  /** Class names in output order (binary: [negative, positive]); empty for regression. */
  classes: string[];
  doc?: string;
  producerVersion?: string;
}

export class ModelGraphError extends Error {
  override readonly name = "ModelGraphError";
}

export function composeModelGraph(options: ModelGraphOptions): Uint8Array {
  const { fitted, task, classes } = options;
  const signature = readOnnxSignature(options.model);
  if ("error" in signature) throw new ModelGraphError(signature.error);
  const model = decodeModel(options.model);
  const theirs = model.graph!;
  if ([...(theirs.initializer ?? [])].some((t) => t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0)) {
    throw new ModelGraphError("the model keeps its weights in external data files; save it as one .onnx file");
  }
  const input = modelInput(signature.inputs, fitted.width);
  const b = new OnnxBuilder();
  const features = buildFeatureGraph(b, fitted);
  b.nodes.push({
    opType: "Identity",
    input: [features.features],
    output: [`${MODEL_PREFIX}${input.name}`],
    name: "Identity_model_input",
    attribute: [],
  });
  const front = b.nodes.splice(0);
  const outputs = taskOutputs(b, signature.outputs, task, classes);
  const renamed = prefixGraphNames(theirs, MODEL_PREFIX);
  const inputNames = new Set(signature.inputs.map((i) => `${MODEL_PREFIX}${i.name}`));
  const metadata: GraphMetadata = {
    format: GRAPH_FORMAT,
    model: options.name,
    task,
    classes: task === "regression" ? [] : classes,
    inputs: features.inputs,
    slots: features.slots,
    width: features.width,
  };
  const composed: ModelMessage = {
    irVersion: Math.max(IR_VERSION, int64ToNumber(model.irVersion)),
    opsetImport: mergedOpsets(model, b.domains),
    producerName: "mlops",
    producerVersion: options.producerVersion ?? "0.1.0",
    docString: options.doc ?? "",
    graph: {
      name: options.name,
      docString: options.doc ?? "",
      node: [...front, ...(renamed.node ?? []), ...b.nodes],
      initializer: [...b.initializersUsedBy([...front, ...b.nodes]), ...(renamed.initializer ?? [])],
      sparseInitializer: renamed.sparseInitializer ?? [],
      input: features.inputValues,
      output: [...outputs, tensorValue(OUTPUTS.features, "float32", ["N", fitted.width])],
      valueInfo: [...b.valueInfo, ...(renamed.valueInfo ?? []), ...(renamed.input ?? []).filter((v) => inputNames.has(v.name ?? ""))],
      quantizationAnnotation: renamed.quantizationAnnotation ?? [],
    },
    metadataProps: [
      ...(model.metadataProps ?? []).filter((p) => p.key !== GRAPH_METADATA_KEY),
      { key: GRAPH_METADATA_KEY, value: JSON.stringify(metadata) },
    ],
    functions: model.functions ?? [],
  };
  return encodeModel(composed);
}

function modelInput(inputs: OnnxTensorSpec[], width: number): OnnxTensorSpec {
  if (inputs.length !== 1) {
    throw new ModelGraphError(`the model must have 1 input tensor, found ${inputs.length} (${inputs.map((i) => i.name).join(", ")})`);
  }
  const input = inputs[0]!;
  if (input.elementType !== "float32") throw new ModelGraphError(`model input ${input.name} is ${input.elementType}, expected float32`);
  const last = input.shape[input.shape.length - 1];
  if (input.shape.length !== 2 || (last !== null && last !== width)) {
    throw new ModelGraphError(
      `model input ${input.name} has shape [${input.shape.map((d) => d ?? "?").join(", ")}], expected [batch, ${width}]`,
    );
  }
  return input;
}

/** Our opsets merged with the model's (the newer version of each domain; ours need at least 13 / ml 2). */
function mergedOpsets(model: ModelMessage, domains: ReadonlySet<string>): Array<{ domain: string; version: number }> {
  const versions = new Map<string, number>();
  for (const entry of model.opsetImport ?? []) {
    const domain = entry.domain === "ai.onnx" ? "" : (entry.domain ?? "");
    versions.set(domain, Math.max(versions.get(domain) ?? 0, int64ToNumber(entry.version)));
  }
  const theirs = versions.get("") ?? FEATURE_OPSET;
  if (theirs < MIN_OPSET) {
    throw new ModelGraphError(
      `the model uses ONNX opset ${theirs}; export it with opset ${MIN_OPSET} or newer to compose it with the features`,
    );
  }
  versions.set("", Math.max(theirs, versions.has("") ? MIN_OPSET : FEATURE_OPSET));
  for (const domain of domains) {
    if (domain === DOMAIN_ML) versions.set(domain, Math.max(versions.get(domain) ?? 0, MIN_ML_OPSET, 3));
    else if (domain !== "") versions.set(domain, Math.max(versions.get(domain) ?? 0, 1));
  }
  return [...versions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([domain, version]) => ({ domain, version }));
}

/** Values per row of an output, or null when a dimension is unknown. */
function widthOf(output: OnnxTensorSpec): number | null {
  if (output.shape.length === 0) return null;
  let width = 1;
  for (const d of output.shape.slice(1)) {
    if (d === null) return null;
    width *= d;
  }
  return width;
}

const isFloat = (o: OnnxTensorSpec): boolean => o.elementType === "float32" || o.elementType === "float64";

/**
 * Which of the model's outputs carries the task's scores — the names the built-in trainers write
 * first (`prediction`, `probability`, `probabilities`), then the first float tensor of the right width —
 * and the adapter nodes that turn it into `value`, or `probabilities` and `label`.
 */
function taskOutputs(b: OnnxBuilder, outputs: OnnxTensorSpec[], task: Task, classes: string[]) {
  const floats = outputs.filter(isFloat);
  const named = (name: string, width?: number): OnnxTensorSpec | undefined =>
    floats.find((o) => o.name === name && (width === undefined || widthOf(o) === width || widthOf(o) === null));
  const first = (width: number): OnnxTensorSpec | undefined => floats.find((o) => widthOf(o) === width);
  const listed = outputs.map((o) => `${o.name}: ${o.elementType}[${o.shape.map((d) => d ?? "?").join(", ")}]`).join(", ");
  const asFloat = (o: OnnxTensorSpec): string => {
    const name = `${MODEL_PREFIX}${o.name}`;
    return o.elementType === "float32" ? name : b.op("Cast", [name], { attributes: [attr.int("to", ONNX_FLOAT)] });
  };
  const flat = (name: string): string => b.op("Reshape", [name, b.constant("int64", [-1])]);
  if (task === "regression") {
    const out = named("prediction", 1) ?? named("variable", 1) ?? first(1);
    if (!out) throw new ModelGraphError(`the model has no float output of width 1 to read a regression value from (outputs: ${listed})`);
    b.nodes.push(identity(flat(asFloat(out)), OUTPUTS.value));
    return [tensorValue(OUTPUTS.value, "float32", ["N"])];
  }
  const classNames = b.constant("string", classes);
  if (task === "binary_classification") {
    if (classes.length !== 2) throw new ModelGraphError(`a binary classifier needs 2 class names, got ${classes.length}`);
    const single = named("probability", 1);
    const pair = single ? undefined : (named("probabilities", 2) ?? first(2));
    const fallback = single ?? pair ?? first(1);
    if (!fallback) throw new ModelGraphError(`the model has no probability output (width 1 or 2) (outputs: ${listed})`);
    let positive: string;
    let probabilities: string;
    if (pair) {
      probabilities = asFloat(pair);
      positive = b.op("Gather", [probabilities, b.constant("int64", [1], [])], { attributes: [attr.int("axis", 1)] });
    } else {
      positive = flat(asFloat(fallback));
      const negative = b.op("Sub", [b.constant("float32", [1]), positive]);
      const column = (name: string): string => b.op("Unsqueeze", [name, b.constant("int64", [1])]);
      probabilities = b.op("Concat", [column(negative), column(positive)], { attributes: [attr.int("axis", 1)] });
    }
    const index = b.op("Cast", [b.op("Greater", [positive, b.constant("float32", [0.5])])], { attributes: [attr.int("to", ONNX_INT64)] });
    b.nodes.push(identity(probabilities, OUTPUTS.probabilities), identity(b.op("Gather", [classNames, index]), OUTPUTS.label));
    return [tensorValue(OUTPUTS.label, "string", ["N"]), tensorValue(OUTPUTS.probabilities, "float32", ["N", 2])];
  }
  const k = classes.length;
  const out = named("probabilities", k) ?? first(k);
  if (!out) throw new ModelGraphError(`the model has no probabilities output of width ${k} (outputs: ${listed})`);
  const probabilities = asFloat(out);
  const best = b.op("ArgMax", [probabilities], { attributes: [attr.int("axis", 1), attr.int("keepdims", 0)] });
  b.nodes.push(identity(probabilities, OUTPUTS.probabilities), identity(b.op("Gather", [classNames, best]), OUTPUTS.label));
  return [tensorValue(OUTPUTS.label, "string", ["N"]), tensorValue(OUTPUTS.probabilities, "float32", ["N", k])];
}

function identity(from: string, to: string) {
  return { opType: "Identity", input: [from], output: [to], name: `Identity_${to}`, attribute: [] };
}
