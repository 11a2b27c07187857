/**
 * The feature part of a model graph: typed raw-column inputs → the fitted feature transforms →
 * `features`, the model's float32 input vector `[N, D]` laid out as the fitted input slots say.
 */
import { MS_PER_DAY } from "../data/dataset.js";
import type { FittedFeatures } from "../features/feature-pipeline.js";
import { attr, type OnnxBuilder, tensorValue } from "./onnx-builder.js";
import { graphInputs, INT64_NULL, onnxElementType, OUTPUTS, type GraphInput, type GraphSlot } from "./graph-contract.js";
import { describeValue, toDouble, type GraphValue } from "./graph-values.js";
import { lowerFeatureExpr, type LowerScope } from "./lower-expression.js";
import { column } from "./lower-stateful.js";
import type { ValueInfoMessage } from "@mlops/compiler";

const ONNX_FLOAT = 1;

export interface FeatureGraph {
  inputs: GraphInput[];
  /** The graph inputs' value infos, in `inputs` order. */
  inputValues: ValueInfoMessage[];
  /** Name of the float32 `[N, D]` model input vector. */
  features: string;
  width: number;
  slots: GraphSlot[];
}

/** Adds the feature transforms to `b`; the vector is named `featuresName`. */
export function buildFeatureGraph(b: OnnxBuilder, fitted: FittedFeatures, featuresName: string = OUTPUTS.features): FeatureGraph {
  const inputs = graphInputs(fitted.columns);
  if (inputs.length === 0) throw new Error(`feature set ${fitted.featureSet.name} reads no column: the graph would have no input`);
  for (const input of inputs) b.reserve(input.name);
  const byColumn = new Map(inputs.map((i) => [i.column, i]));
  const columns = new Map<string, GraphValue>();
  const values = new Map<string, GraphValue>();
  const scope: LowerScope = {
    b,
    states: fitted.states,
    column(name) {
      let value = columns.get(name);
      if (!value) {
        const input = byColumn.get(name);
        if (!input) throw new Error(`column ${name} is not an input of the fitted features`);
        value = lowerInput(b, input);
        columns.set(name, value);
      }
      return value;
    },
    feature(name) {
      const value = values.get(name);
      if (!value) throw new Error(`feature ${name} is used before it is computed (features must be in topological order)`);
      return value;
    },
  };
  const declared = new Map(fitted.featureSet.features.map((f) => [f.name, f.type.kind !== "vector"]));
  for (const feature of fitted.featureSet.features) {
    try {
      values.set(feature.name, lowerFeatureExpr(feature.expr, scope, declared.get(feature.name) ?? false));
    } catch (error) {
      throw new Error(`feature ${feature.name}: ${(error as Error).message}`);
    }
  }
  const rows = b.op("Shape", [inputs[0]!.name], { hint: "rows" });
  const blocks = fitted.inputs.map((slot) => slotBlock(b, slot.feature, slot.width, values.get(slot.feature)!, rows));
  b.reserve(featuresName);
  b.nodes.push(
    blocks.length === 1
      ? { opType: "Identity", input: blocks, output: [featuresName], name: `Identity_${featuresName}`, attribute: [] }
      : { opType: "Concat", input: blocks, output: [featuresName], name: `Concat_${featuresName}`, attribute: [attr.int("axis", 1)] },
  );
  return {
    inputs,
    inputValues: inputs.map((i) => tensorValue(i.name, onnxElementType(i.tensor), ["N"])),
    features: featuresName,
    width: fitted.width,
    slots: fitted.inputs.map((s) => ({ feature: s.feature, offset: s.offset, width: s.width, labels: s.labels })),
  };
}

/** A raw input as a graph value (numbers as float64 with NaN for null, dates as epoch days). */
function lowerInput(b: OnnxBuilder, input: GraphInput): GraphValue {
  const nullable = input.type.nullable;
  const base = { constant: false, mayBeNull: nullable };
  switch (input.tensor) {
    case "string":
      return { t: "str", name: input.name, ...base };
    case "bool":
      return { t: "bool", name: toDouble(b, input.name), ...base };
    case "double":
      return input.type.kind === "bool" ? { t: "bool", name: input.name, ...base } : { t: "num", name: input.name, ...base };
    case "int64": {
      const asDouble = toDouble(b, input.name);
      const name = nullable
        ? b.op("Where", [b.op("Equal", [input.name, b.constant("int64", [Number(INT64_NULL)])]), b.double(Number.NaN), asDouble], {
            hint: input.name,
          })
        : asDouble;
      if (input.type.kind === "timestamp") return { t: "num", name, unit: "ms", ...base };
      if (input.type.kind === "date") {
        return { t: "num", name: b.op("Floor", [b.op("Div", [name, b.double(MS_PER_DAY)])], { hint: input.name }), unit: "days", ...base };
      }
      return { t: "num", name, ...base };
    }
  }
}

/** A model-input slot as float32 `[N, width]`. */
function slotBlock(b: OnnxBuilder, feature: string, width: number, value: GraphValue, rows: string): string {
  if (value.t === "str") {
    throw new Error(`feature ${feature} is a string; encode it with one_hot() or hash_bucket() to use it as a model input`);
  }
  if (value.t === "null") throw new Error(`feature ${feature} is always null`);
  if (value.t === "matrix") {
    if (value.width !== width) throw new Error(`feature ${feature}: width ${value.width}, fitted layout says ${width}`);
    if (!value.constant) return value.name;
    return b.op("Expand", [value.name, b.op("Concat", [rows, b.constant("int64", [width])], { attributes: [attr.int("axis", 0)] })]);
  }
  if (width !== 1) throw new Error(`feature ${feature}: a ${describeValue(value)} for a slot of width ${width}`);
  const perRow = value.constant ? b.op("Expand", [value.name, rows]) : value.name;
  return column(b, b.op("Cast", [perRow], { attributes: [attr.int("to", ONNX_FLOAT)], hint: feature }));
}
