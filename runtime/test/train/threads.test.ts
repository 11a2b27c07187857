/**
 * L-BFGS's passes shared with helper threads: the helpers' partial sums equal this thread's, and
 * a trained model is bit-identical for any thread count.
 */
import { describe, expect, it } from "vitest";
import { train, type BuiltinTrainerSpec } from "../../src/index.js";
import { columnScaling } from "../../src/train/feature-scaling.js";
import { accumulateChunk, chunkStride, LOSS_CODE, type KernelData } from "../../src/train/objective-kernel.js";
import { ObjectiveThreads } from "../../src/train/objective-threads.js";
import { generate } from "./generated-data.js";

function kernelData(kind: "binary" | "multiclass", nRows: number, chunkRows: number): KernelData {
  const classes = kind === "binary" ? 1 : 4;
  const { x, y, nCols } = generate(kind, nRows, 6, 11, Math.max(classes, 2));
  const params = Float64Array.from({ length: (nCols + 1) * classes }, (_, i) => ((i % 5) - 2) * 0.01);
  return {
    loss: kind === "binary" ? LOSS_CODE.logistic : LOSS_CODE.multinomial,
    x,
    y,
    firstRow: 0,
    nCols,
    nOutputs: classes,
    mean: columnScaling(x, nRows, nCols).mean,
    params,
    partials: new Float64Array(Math.ceil(nRows / chunkRows) * chunkStride(nCols, classes)),
    chunkRows,
    count: nRows,
    rows: null,
  };
}

describe("helper threads", () => {
  for (const kind of ["binary", "multiclass"] as const) {
    it(`${kind}: the helpers compute exactly this thread's partial sums on their copy of the rows, pass after pass`, () => {
      const data = kernelData(kind, 5000, 700);
      const chunks = Math.ceil(5000 / 700);
      // the caller takes chunks 0..2 only, two helpers (copy from row 2100 on) the other five
      const threads = new ObjectiveThreads(data, chunks, 2, { callerComputes: false });
      try {
        for (let pass = 0; pass < 3; pass++) {
          for (let i = 0; i < data.params.length; i++) threads.kernel.params[i] = data.params[i] = data.params[i]! + 0.003 * pass;
          for (let chunk = 0; chunk < chunks; chunk++) accumulateChunk(data, chunk);
          expect(Array.from(threads.run())).toEqual(Array.from(data.partials));
          expect(threads.helping).toBe(true);
        }
      } finally {
        threads.close();
      }
    });
  }
});

describe("training with helper threads", () => {
  const lbfgs = (kind: BuiltinTrainerSpec["kind"]): BuiltinTrainerSpec => ({
    kind,
    epochs: 30,
    learningRate: 0.1,
    l2: 1e-4,
    batchSize: 0,
    tolerance: 1e-9,
  });

  it("gives bit-identical models for 1, 2 and 3 threads (binary and multiclass)", () => {
    const binary = generate("binary", 120_000, 12, 5);
    const multiclass = generate("multiclass", 60_000, 12, 6, 4);
    const fits = [1, 2, 3].map((threads) => ({
      binary: train(lbfgs("logistic_regression"), "binary_classification", binary.x, binary.nRows, binary.nCols, binary.y, { threads }),
      multiclass: train(
        lbfgs("softmax_regression"),
        "multiclass_classification",
        multiclass.x,
        multiclass.nRows,
        multiclass.nCols,
        multiclass.y,
        { threads, nClasses: 4 },
      ),
    }));
    fits.forEach((fit, i) => expect(fit.binary.threads).toBe(i + 1));
    for (const fit of fits.slice(1)) {
      for (const task of ["binary", "multiclass"] as const) {
        expect(Array.from(fit[task].weights), task).toEqual(Array.from(fits[0]![task].weights));
        expect(Array.from(fit[task].intercepts), task).toEqual(Array.from(fits[0]![task].intercepts));
        expect(fit[task].loss, task).toBe(fits[0]![task].loss);
        expect(fit[task].iterations, task).toBe(fits[0]![task].iterations);
      }
    }
  });

  it("refuses a thread count that is not a positive integer", () => {
    const { x, y, nRows, nCols } = generate("binary", 100, 3, 1);
    for (const threads of [0, -1, 1.5]) {
      expect(() => train(lbfgs("logistic_regression"), "binary_classification", x, nRows, nCols, y, { threads })).toThrow(
        /threads must be a positive integer/,
      );
    }
  });
});
