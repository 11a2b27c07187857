/** Batch scoring through onnxruntime in bounded chunks, outputs concatenated per name. */
import * as ort from "onnxruntime-node";
import { ONNX_INPUT } from "./linear-models.js";

export interface BatchOutput {
  /** Row-major values of the output over all rows. */
  data: Float32Array | Float64Array | BigInt64Array | Int32Array;
  /** Values per row (the product of the non-batch dimensions). */
  width: number;
}

export interface PredictBatchOptions {
  /** Rows per `session.run` (bounds the memory of one call). Default 262144. */
  chunkRows?: number;
  inputName?: string;
}

/** Runs row-major float32 `x` [nRows, nCols]; chunks are views of `x` (no copy). */
export async function predictBatch(
  session: ort.InferenceSession,
  x: Float32Array,
  nRows: number,
  nCols: number,
  options: PredictBatchOptions = {},
): Promise<Record<string, BatchOutput>> {
  if (x.length !== nRows * nCols) throw new Error(`predictBatch: ${x.length} values for ${nRows} rows × ${nCols} columns`);
  const inputName = options.inputName ?? ONNX_INPUT;
  const chunkRows = Math.max(1, options.chunkRows ?? 262144);
  if (nRows <= chunkRows) return singleRun(session, x, nRows, nCols, inputName);
  const outputs: Record<string, BatchOutput> = {};
  for (let begin = 0; begin < nRows; begin += chunkRows) {
    const rows = Math.min(chunkRows, nRows - begin);
    const input = new ort.Tensor("float32", x.subarray(begin * nCols, (begin + rows) * nCols), [rows, nCols]);
    const result = await session.run({ [inputName]: input });
    for (const [name, tensor] of Object.entries(result)) {
      const width = rows === 0 ? 0 : tensor.data.length / rows;
      let output = outputs[name];
      if (!output) {
        output = { data: allocateLike(tensor.data, nRows * width), width };
        outputs[name] = output;
      }
      (output.data as Float32Array).set(tensor.data as Float32Array, begin * width);
    }
  }
  return outputs;
}

async function singleRun(
  session: ort.InferenceSession,
  x: Float32Array,
  nRows: number,
  nCols: number,
  inputName: string,
): Promise<Record<string, BatchOutput>> {
  const result = await session.run({ [inputName]: new ort.Tensor("float32", x, [nRows, nCols]) });
  const outputs: Record<string, BatchOutput> = {};
  for (const [name, tensor] of Object.entries(result)) {
    if (!isSupported(tensor.data)) throw new Error("predictBatch: unsupported output element type");
    outputs[name] = { data: tensor.data, width: nRows === 0 ? 0 : tensor.data.length / nRows };
  }
  return outputs;
}

function isSupported(data: ort.Tensor["data"]): data is BatchOutput["data"] {
  return data instanceof Float32Array || data instanceof Float64Array || data instanceof BigInt64Array || data instanceof Int32Array;
}

function allocateLike(data: ort.Tensor["data"], length: number): BatchOutput["data"] {
  if (data instanceof Float32Array) return new Float32Array(length);
  if (data instanceof Float64Array) return new Float64Array(length);
  if (data instanceof BigInt64Array) return new BigInt64Array(length);
  if (data instanceof Int32Array) return new Int32Array(length);
  throw new Error("predictBatch: unsupported output element type");
}
