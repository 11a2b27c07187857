/**
 * A small builder for ONNX graphs: unique value names, nodes, initializers (constants are shared
 * by value), value_info for the outputs of operators `onnx.checker`'s shape inference does not
 * know, and the operator-set domains the graph uses.
 */
import type { AttributeMessage, NodeMessage, OnnxElementType, TensorMessage, ValueInfoMessage } from "@mlops/compiler";
import { AttributeType, OnnxDataType } from "@mlops/compiler/onnx";
import { tensorValue } from "../onnx/onnx-graph.js";

export { tensorValue };

export const DOMAIN_ML = "ai.onnx.ml";
/** onnxruntime's contrib operators (MurmurHash3, Tokenizer). */
export const DOMAIN_MS = "com.microsoft";

const encoder = new TextEncoder();

export const attr = {
  int: (name: string, value: number): AttributeMessage => ({ name, type: AttributeType.INT, i: value }),
  ints: (name: string, values: number[]): AttributeMessage => ({ name, type: AttributeType.INTS, ints: values }),
  float: (name: string, value: number): AttributeMessage => ({ name, type: AttributeType.FLOAT, f: value }),
  floats: (name: string, values: number[]): AttributeMessage => ({ name, type: AttributeType.FLOATS, floats: values }),
  string: (name: string, value: string): AttributeMessage => ({ name, type: AttributeType.STRING, s: encoder.encode(value) }),
  strings: (name: string, values: readonly string[]): AttributeMessage => ({
    name,
    type: AttributeType.STRINGS,
    strings: values.map((v) => encoder.encode(v)),
  }),
};

export interface OpOptions {
  domain?: string;
  attributes?: AttributeMessage[];
  /** Name hint for the output (a counter is appended). */
  hint?: string;
  /**
   * Declare the output's type and rank for shape inference (operators of domains `onnx` does not
   * know); each dimension gets its own symbolic name (onnxruntime holds equal names to equal sizes).
   */
  declare?: { type: OnnxElementType; rank: number };
}

export class OnnxBuilder {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  readonly valueInfo: ValueInfoMessage[] = [];
  readonly domains = new Set<string>([""]);
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.used.add(name);
  }

  /** A value name no other value of the graph has. */
  fresh(hint: string): string {
    let name = `${hint}_${this.counter++}`;
    while (this.used.has(name)) name = `${hint}_${this.counter++}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    if (this.used.has(name)) throw new Error(`graph value ${name} is defined twice`);
    this.used.add(name);
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: string[], options: OpOptions = {}): string {
    return this.opMulti(opType, inputs, 1, options)[0]!;
  }

  /** Adds a node with `outputs` outputs (`""` inputs are optional inputs left out). */
  opMulti(opType: string, inputs: string[], outputs: number, options: OpOptions = {}): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(options.hint ?? opType.toLowerCase()));
    const domain = options.domain ?? "";
    this.domains.add(domain);
    this.nodes.push({
      opType,
      input: inputs,
      output: names,
      name: `${opType}_${names[0]}`,
      ...(domain ? { domain } : {}),
      attribute: options.attributes ?? [],
    });
    if (options.declare) {
      const shape = Array.from({ length: options.declare.rank }, (_, k) => `${names[0]}_dim${k}`);
      this.valueInfo.push(tensorValue(names[0]!, options.declare.type, shape));
    }
    return names;
  }

  /** A constant tensor (shared with every other constant of the same type, shape and values). */
  constant(
    type: "float64" | "float32" | "int64" | "string" | "bool",
    values: ReadonlyArray<number | string | boolean>,
    dims?: number[],
  ): string {
    const shape = dims ?? [values.length];
    const key = `${type}|${shape.join(",")}|${JSON.stringify(values, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.fresh(`const_${type}`);
    this.initializers.push(tensorOf(name, type, values, shape));
    this.constants.set(key, name);
    return name;
  }

  /** The initializers some node of `nodes` reads (constants made but not used are left out). */
  initializersUsedBy(nodes: readonly NodeMessage[]): TensorMessage[] {
    const read = new Set(nodes.flatMap((n) => n.input));
    return this.initializers.filter((t) => read.has(t.name));
  }

  double(value: number): string {
    return this.constant("float64", [value]);
  }

  int64(value: number): string {
    return this.constant("int64", [value]);
  }

  string(value: string): string {
    return this.constant("string", [value]);
  }
}

function tensorOf(name: string, type: string, values: ReadonlyArray<number | string | boolean>, dims: number[]): TensorMessage {
  switch (type) {
    case "float64": {
      const data = Float64Array.from(values as number[]);
      return { name, dataType: OnnxDataType.float64, dims, rawData: new Uint8Array(data.buffer) };
    }
    case "float32": {
      const data = Float32Array.from(values as number[]);
      return { name, dataType: OnnxDataType.float32, dims, rawData: new Uint8Array(data.buffer) };
    }
    case "int64": {
      const data = BigInt64Array.from(values as number[], (v) => BigInt(v));
      return { name, dataType: OnnxDataType.int64, dims, rawData: new Uint8Array(data.buffer) };
    }
    case "bool":
      return { name, dataType: OnnxDataType.bool, dims, rawData: Uint8Array.from(values as boolean[], (v) => (v ? 1 : 0)) };
    case "string":
      return { name, dataType: OnnxDataType.string, dims, stringData: (values as string[]).map((v) => encoder.encode(v)) };
    default:
      throw new Error(`constant of type ${type}`);
  }
}
