/**
 * KServe Open Inference Protocol (V2) tensors ↔ the model's columns. A request carries one input
 * tensor per column, shape `[N]` (or `[N, 1]`), with the datatype of the column's type:
 *
 * | column type | datatype | JSON values |
 * |---|---|---|
 * | float | `FP32` (also `FP64`, `FP16`) | numbers |
 * | int | `INT64` (also `INT32`, `INT16`, `INT8`, `UINT8`…`UINT64`) | whole numbers |
 * | bool | `BOOL` | booleans |
 * | string, enum | `BYTES` | strings |
 * | timestamp | `BYTES` (ISO 8601) or `INT64` (epoch ms) | strings / numbers |
 * | date | `BYTES` (`YYYY-MM-DD`) or `INT32`/`INT64` (epoch days) | strings / numbers |
 *
 * `null` is accepted in the data of a nullable column (an extension: the protocol has no nulls).
 * Outputs: classifiers `label` (BYTES [N]) and `probabilities` (FP32 [N, K], columns in class
 * order); regressions `value` (FP32 [N]).
 */
import type { ColumnSpec, Task } from "@mlops/compiler";
import type { CellValue } from "../data/dataset.js";
import type { TaskScores } from "../steps/model-outputs.js";
import { HttpError, isPlainObject, jsonKind } from "./http-io.js";
import { InstanceError, checkValue, type InstanceSchema } from "./instance-schema.js";
import { predictedClassLabels, probabilityMatrix } from "./predictions.js";
import type { DecodedRequest } from "./scoring.js";

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface OutputTensor extends TensorMetadata {
  data: Array<number | string>;
}

const FLOATS = ["FP32", "FP64", "FP16"];
const INTS = ["INT64", "INT32", "INT16", "INT8", "UINT8", "UINT16", "UINT32", "UINT64"];

/** The datatypes a column accepts, the canonical one (shown in the model metadata) first. */
export function datatypesOf(column: ColumnSpec): string[] {
  switch (column.type.kind) {
    case "float":
      return FLOATS;
    case "int":
      return INTS;
    case "bool":
      return ["BOOL"];
    case "string":
    case "enum":
      return ["BYTES"];
    case "timestamp":
      return ["BYTES", "INT64"];
    case "date":
      return ["BYTES", "INT32", "INT64"];
  }
}

export function inputMetadata(schema: InstanceSchema): TensorMetadata[] {
  return schema.columns.map((c) => ({ name: c.name, datatype: datatypesOf(c)[0]!, shape: [-1] }));
}

export function outputMetadata(task: Task, classes: readonly string[]): TensorMetadata[] {
  if (task === "regression") return [{ name: "value", datatype: "FP32", shape: [-1] }];
  return [
    { name: "label", datatype: "BYTES", shape: [-1] },
    { name: "probabilities", datatype: "FP32", shape: [-1, Math.max(2, classes.length)] },
  ];
}

export interface InferRequest {
  id?: string;
  inputs: unknown[];
  /** Names of the outputs asked for, or null for all. */
  outputs: string[] | null;
}

/** The request body's envelope (`id`, `inputs`, `outputs`, `parameters`); 400 when malformed. */
export function inferRequestOf(body: unknown): InferRequest {
  if (!isPlainObject(body)) throw new HttpError(400, `expected a JSON object {"inputs": [...]}, got ${jsonKind(body)}`);
  const { id, inputs, outputs, parameters } = body;
  if (id !== undefined && typeof id !== "string") throw new HttpError(400, `"id" must be a string, got ${jsonKind(id)}`);
  if (!Array.isArray(inputs)) throw new HttpError(400, `"inputs" must be a list of tensors, got ${jsonKind(inputs)}`);
  if (parameters !== undefined && !isPlainObject(parameters)) throw new HttpError(400, `"parameters" must be an object`);
  if (parameters && (parameters.binary_data_output === true || parameters.binary_data === true))
    throw new HttpError(400, "the binary tensor data extension is not supported: send JSON data");
  let names: string[] | null = null;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw new HttpError(400, `"outputs" must be a list of {"name": ...}, got ${jsonKind(outputs)}`);
    names = outputs.map((o, i) => {
      if (!isPlainObject(o) || typeof o.name !== "string") throw new HttpError(400, `outputs[${i}] must be an object with a "name"`);
      return o.name;
    });
  }
  return { ...(id !== undefined ? { id } : {}), inputs, outputs: names };
}

interface DecodedTensor {
  column: ColumnSpec;
  values: unknown[];
}

/** One row per instance from the input tensors; 400 for a malformed tensor, 413/422 as for instances. */
export function decodeTensors(inputs: unknown[], schema: InstanceSchema, maxInstances: number): DecodedRequest {
  const byName = new Map<string, DecodedTensor>();
  let count: number | null = null;
  let first = "";
  inputs.forEach((input, t) => {
    const tensor = tensorOf(input, t, schema);
    if (byName.has(tensor.column.name)) throw new HttpError(400, `input ${tensor.column.name} is given twice`);
    if (count === null) {
      count = tensor.values.length;
      first = tensor.column.name;
      if (count > maxInstances)
        throw new HttpError(413, `${count} instances in one request; the limit is ${maxInstances} (the server's --max-instances)`);
    } else if (tensor.values.length !== count)
      throw new HttpError(400, `input ${tensor.column.name} has ${tensor.values.length} elements but input ${first} has ${count}`);
    byName.set(tensor.column.name, tensor);
  });
  const n = count ?? 0;
  for (const column of schema.columns)
    if (!byName.has(column.name) && !column.type.nullable)
      throw new HttpError(
        422,
        `column ${column.name}: missing input tensor (the model reads ${schema.columns.map((c) => c.name).join(", ")})`,
      );
  const rows: CellValue[][] = Array.from({ length: n }, () => new Array<CellValue>(schema.columns.length).fill(null));
  const records: Array<Record<string, unknown>> = Array.from({ length: n }, () => ({}));
  const columnIndex = new Map(schema.columns.map((c, k) => [c.name, k] as const));
  for (const tensor of byName.values()) {
    const k = columnIndex.get(tensor.column.name);
    for (let i = 0; i < n; i++) {
      const raw = tensor.values[i];
      const checked = checkValue(raw, tensor.column);
      if (!checked.ok) throw new HttpError(422, new InstanceError(i, tensor.column.name, checked.reason).message);
      if (k !== undefined) rows[i]![k] = checked.value;
      records[i]![tensor.column.name] = raw;
    }
  }
  return { rows, records };
}

function tensorOf(input: unknown, t: number, schema: InstanceSchema): DecodedTensor {
  if (!isPlainObject(input)) throw new HttpError(400, `inputs[${t}] must be a tensor object, got ${jsonKind(input)}`);
  const { name, shape, datatype, data, parameters } = input;
  if (typeof name !== "string") throw new HttpError(400, `inputs[${t}] has no "name"`);
  const label = `input ${JSON.stringify(name.slice(0, 60))}`;
  const column = schema.columns.find((c) => c.name === name) ?? schema.extra.get(name);
  if (!column) throw new HttpError(422, `${label}: unknown column (the model reads ${schema.columns.map((c) => c.name).join(", ")})`);
  if (isPlainObject(parameters) && parameters.binary_data_size !== undefined)
    throw new HttpError(400, `${label}: the binary tensor data extension is not supported: send JSON data`);
  if (typeof datatype !== "string") throw new HttpError(400, `${label} has no "datatype"`);
  const accepted = datatypesOf(column);
  if (!accepted.includes(datatype))
    throw new HttpError(
      422,
      `column ${name}: datatype ${JSON.stringify(datatype.slice(0, 20))} does not fit a ${column.type.kind} column (send ${accepted.join(" or ")})`,
    );
  const dims = shapeOf(shape, label);
  if (!Array.isArray(data)) throw new HttpError(400, `${label}: "data" must be a list, got ${jsonKind(data)}`);
  const values = flatten(data, dims.length, label);
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size)
    throw new HttpError(400, `${label}: shape [${dims.join(", ")}] needs ${size} elements, "data" has ${values.length}`);
  for (let i = 0; i < values.length; i++) {
    const problem = datatypeMismatch(datatype, values[i]);
    if (problem) throw new HttpError(422, new InstanceError(i, name, problem).message);
  }
  return { column, values };
}

function shapeOf(shape: unknown, label: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || shape.length > 2 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    throw new HttpError(400, `${label}: "shape" must be [N] or [N, 1] with N ≥ 0, got ${JSON.stringify(shape)?.slice(0, 60)}`);
  if (shape.length === 2 && shape[1] !== 1)
    throw new HttpError(400, `${label}: shape [N, ${shape[1]}]: one value per instance, so [N] or [N, 1]`);
  return shape as number[];
}

/** Row-major values of `data`, flat or nested as deep as the shape. */
function flatten(data: unknown[], rank: number, label: string): unknown[] {
  if (!data.some(Array.isArray)) return data;
  if (rank < 2) throw new HttpError(400, `${label}: "data" is nested deeper than its shape`);
  const flat: unknown[] = [];
  for (const item of data) {
    if (!Array.isArray(item)) throw new HttpError(400, `${label}: "data" mixes lists and values`);
    for (const value of item) {
      if (Array.isArray(value)) throw new HttpError(400, `${label}: "data" is nested deeper than its shape`);
      flat.push(value);
    }
  }
  return flat;
}

function datatypeMismatch(datatype: string, value: unknown): string | null {
  if (value === null) return null;
  if (datatype === "BYTES") return typeof value === "string" ? null : `${datatype} data must be strings, got ${jsonKind(value)}`;
  if (datatype === "BOOL") return typeof value === "boolean" ? null : `${datatype} data must be booleans, got ${jsonKind(value)}`;
  if (typeof value !== "number") return `${datatype} data must be numbers, got ${jsonKind(value)}`;
  if (INTS.includes(datatype) && !Number.isInteger(value)) return `${datatype} data must be whole numbers, got ${value}`;
  if (datatype.startsWith("UINT") && value < 0) return `${datatype} data must not be negative, got ${value}`;
  return null;
}

/** The outputs to answer with: `wanted` when every name is an output of the task (else 400), or all. */
export function requireKnownOutputs(task: Task, classes: readonly string[], wanted: string[] | null): string[] {
  const available = outputMetadata(task, classes).map((m) => m.name);
  for (const name of wanted ?? [])
    if (!available.includes(name))
      throw new HttpError(400, `unknown output ${JSON.stringify(name.slice(0, 60))} (outputs: ${available.join(", ")})`);
  return wanted ?? available;
}

/** The answer's output tensors for `rows` instances (all, or those `wanted`); 400 for an unknown name. */
export function outputTensors(
  task: Task,
  classes: readonly string[],
  scores: TaskScores,
  rows: number,
  wanted: string[] | null,
): OutputTensor[] {
  const names = requireKnownOutputs(task, classes, wanted);
  return names.map((name): OutputTensor => {
    switch (name) {
      case "value":
        return { name, datatype: "FP32", shape: [rows], data: Array.from(scores.values.subarray(0, rows)) };
      case "label":
        return { name, datatype: "BYTES", shape: [rows], data: predictedClassLabels(scores, rows, classes) };
      default: {
        const width = scores.width > 1 ? scores.width : 2;
        return { name, datatype: "FP32", shape: [rows, width], data: probabilityMatrix(scores, rows) };
      }
    }
  });
}
