import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { predictBatch, softmaxRegressionOnnx } from "../../src/index.js";

describe("predictBatch", () => {
  it("gives the same outputs in chunks as one session.run over all rows", async () => {
    const nRows = 1003;
    const nCols = 4;
    const x = Float32Array.from({ length: nRows * nCols }, (_, i) => Math.sin(i));
    const session = await ort.InferenceSession.create(
      softmaxRegressionOnnx(
        Array.from({ length: 12 }, (_, i) => (i % 5) - 2),
        [0.1, 0, -0.1],
      ),
    );
    const whole = await session.run({ features: new ort.Tensor("float32", x, [nRows, nCols]) });
    const chunked = await predictBatch(session, x, nRows, nCols, { chunkRows: 100 });
    expect(chunked.probabilities!.width).toBe(3);
    expect(chunked.label!.width).toBe(1);
    expect(Array.from(chunked.probabilities!.data as Float32Array)).toEqual(Array.from(whole.probabilities!.data as Float32Array));
    expect(Array.from(chunked.label!.data as BigInt64Array)).toEqual(Array.from(whole.label!.data as BigInt64Array));
    const single = await predictBatch(session, x, nRows, nCols);
    expect(Array.from(single.probabilities!.data as Float32Array)).toEqual(Array.from(whole.probabilities!.data as Float32Array));
  });

  it("rejects a feature matrix of the wrong size", async () => {
    const session = await ort.InferenceSession.create(softmaxRegressionOnnx([1, 2, 3, 4], [0, 0]));
    await expect(predictBatch(session, new Float32Array(5), 3, 2)).rejects.toThrow(/5 values for 3 rows/);
  });
});
