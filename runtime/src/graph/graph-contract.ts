/**
 * The contract of a model graph (what `mlops models export` hands to any ONNX server):
 *
 * Inputs: one 1-D tensor `[N]` per source column the features read, named after the column
 * (`<column>_input` if a column is called like an output):
 * - float → `double`, null = NaN
 * - int → `int64`, null = INT64_MIN (−9223372036854775808)
 * - timestamp, date → `int64` epoch milliseconds UTC (a date is its midnight), null = INT64_MIN
 * - bool → `bool`; a nullable bool → `double` 1 / 0 / NaN
 * - string, enum → `string` (UTF-8), null = `STRING_NULL_MARKER` ("␀", U+2400 SYMBOL FOR NULL)
 *
 * Outputs: classifiers `label` (string `[N]`, the class name) and `probabilities` (float `[N, K]`,
 * columns in class order); regression `value` (float `[N]`); every model also `features`
 * (float `[N, D]`, the model's input vector, for drift checks and debugging).
 *
 * The model's `metadata_props` hold `mlops.graph`: the `GraphMetadata` below, as JSON.
 */
import type { ColumnSpec, Task, ValueType } from "@mlops/compiler";

export const GRAPH_FORMAT = "mlops-graph/1";
export const GRAPH_METADATA_KEY = "mlops.graph";

/** U+2400 SYMBOL FOR NULL: a string input holding exactly this is null. */
export const STRING_NULL_MARKER = "\u2400";
/** INT64_MIN: an int64 input holding it is null. */
export const INT64_NULL = -(2n ** 63n);

export const OUTPUTS = {
  label: "label",
  probabilities: "probabilities",
  value: "value",
  features: "features",
} as const;

export type InputTensorType = "double" | "int64" | "bool" | "string";

export interface GraphInput {
  /** The graph input's name. */
  name: string;
  /** The source column it carries. */
  column: string;
  /** The column's declared type. */
  type: ValueType;
  tensor: InputTensorType;
}

/** One feature's slice of the model input vector. */
export interface GraphSlot {
  feature: string;
  offset: number;
  width: number;
  /** One name per slot: the feature name for a scalar, `feature=value` for a one-hot slot. */
  labels: string[];
}

export interface GraphMetadata {
  format: typeof GRAPH_FORMAT;
  model: string;
  task: Task;
  /** Class names in probability order (binary: [negative, positive]); empty for regression. */
  classes: string[];
  inputs: GraphInput[];
  /** The layout of the `features` output. */
  slots: GraphSlot[];
  width: number;
}

export function inputTensorType(type: ValueType): InputTensorType {
  switch (type.kind) {
    case "float":
      return "double";
    case "int":
    case "timestamp":
    case "date":
      return "int64";
    case "bool":
      return type.nullable ? "double" : "bool";
    case "string":
    case "enum":
      return "string";
  }
}

const OUTPUT_NAMES = new Set<string>(Object.values(OUTPUTS));

export function graphInputs(columns: readonly ColumnSpec[]): GraphInput[] {
  return columns.map((c) => ({
    name: OUTPUT_NAMES.has(c.name) ? `${c.name}_input` : c.name,
    column: c.name,
    type: c.type,
    tensor: inputTensorType(c.type),
  }));
}

/** The ONNX element type name (`OnnxDataType` key) of an input tensor type. */
export function onnxElementType(tensor: InputTensorType): "float64" | "int64" | "bool" | "string" {
  return tensor === "double" ? "float64" : tensor;
}
