/** Small builders for the ONNX messages a graph is made of. */
import type { AttributeMessage, NodeMessage, OnnxElementType, TensorMessage, ValueInfoMessage } from "@mlops/compiler";
import { AttributeType, OnnxDataType } from "@mlops/compiler/onnx";

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorMessage {
  const data = Float32Array.from(values);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`tensor ${name}: ${data.length} values for shape [${dims.join(", ")}]`);
  return { name, dataType: OnnxDataType.float32, dims, rawData: littleEndianBytes(data) };
}

function littleEndianBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return bytes;
}

export function node(opType: string, inputs: string[], outputs: string[], attributes: AttributeMessage[] = []): NodeMessage {
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute: attributes };
}

export function intAttribute(name: string, value: number): AttributeMessage {
  return { name, type: AttributeType.INT, i: value };
}

/** A tensor value: dimensions are numbers, or strings for symbolic ones (`"N"`). */
export function tensorValue(name: string, elementType: OnnxElementType, shape: Array<number | string>): ValueInfoMessage {
  return {
    name,
    type: {
      tensorType: {
        elemType: OnnxDataType[elementType],
        shape: { dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
