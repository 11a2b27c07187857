import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { train, type BuiltinTrainerSpec } from "../../src/index.js";
import { generate } from "./generated-data.js";
import { pythonHas, runPython } from "../support/python-reference.js";

function spec(kind: BuiltinTrainerSpec["kind"], overrides: Partial<BuiltinTrainerSpec> = {}): BuiltinTrainerSpec {
  return { kind, epochs: 500, learningRate: 0.1, l2: 0, batchSize: 0, tolerance: 1e-8, ...overrides };
}

describe("linear_regression (ridge)", () => {
  it("recovers an exact line with l2 = 0", () => {
    const x = new Float32Array([0, 1, 2, 3, 4]);
    const y = new Float64Array([1, 3, 5, 7, 9]);
    const model = train(spec("linear_regression"), "regression", x, 5, 1, y);
    expect(model.weights[0]).toBeCloseTo(2, 10);
    expect(model.intercepts[0]).toBeCloseTo(1, 10);
    expect(model.solver).toBe("closed_form");
  });

  it("shrinks as hand-computed: w = cov(x, y) / (var(x) + l2)", () => {
    // x mean 2, var 2; y = 2x + 1 so cov = 4; w = 4 / (2 + 1) with l2 = 1; b = ȳ - w x̄
    const x = new Float32Array([0, 1, 2, 3, 4]);
    const y = new Float64Array([1, 3, 5, 7, 9]);
    const model = train(spec("linear_regression", { l2: 1 }), "regression", x, 5, 1, y);
    expect(model.weights[0]).toBeCloseTo(4 / 3, 10);
    expect(model.intercepts[0]).toBeCloseTo(5 - (4 / 3) * 2, 10);
  });

  it("gives the same solution by L-BFGS and by the normal equations", () => {
    const data = generate("regression", 2000, 6, 3);
    const exact = train(spec("linear_regression", { l2: 0.01 }), "regression", data.x, data.nRows, data.nCols, data.y);
    const iterative = train(
      spec("linear_regression", { l2: 0.01, tolerance: 1e-10 }),
      "regression",
      data.x,
      data.nRows,
      data.nCols,
      data.y,
      {
        solver: "lbfgs",
      },
    );
    for (let j = 0; j < data.nCols; j++) expect(iterative.weights[j]).toBeCloseTo(exact.weights[j]!, 6);
    expect(iterative.intercepts[0]).toBeCloseTo(exact.intercepts[0]!, 5);
  });

  it("handles a constant column (its weight is 0)", () => {
    const x = new Float32Array([0, 5, 1, 5, 2, 5, 3, 5]);
    const y = new Float64Array([1, 2, 3, 4]);
    const model = train(spec("linear_regression"), "regression", x, 4, 2, y);
    expect(model.weights[1]).toBe(0);
    expect(model.weights[0]).toBeCloseTo(1, 10);
  });
});

describe("logistic_regression", () => {
  it("is invariant to the scale and offset of the features (scaling is folded back)", () => {
    const data = generate("binary", 1000, 3, 7);
    const shifted = data.x.map((v, i) => (i % 3 === 0 ? v * 1000 + 1e4 : v));
    const a = train(spec("logistic_regression"), "binary_classification", data.x, data.nRows, data.nCols, data.y);
    const b = train(spec("logistic_regression"), "binary_classification", shifted, data.nRows, data.nCols, data.y);
    const pa = a.predict(data.x, data.nRows);
    const pb = b.predict(shifted, data.nRows);
    for (let i = 0; i < 50; i++) expect(pb[i]).toBeCloseTo(pa[i]!, 5);
    expect(a.converged).toBe(true);
  });

  it("reports progress with a non-increasing objective", () => {
    const data = generate("binary", 500, 4, 1);
    const losses: number[] = [];
    const model = train(spec("logistic_regression"), "binary_classification", data.x, data.nRows, data.nCols, data.y, {
      onProgress: (_epoch, loss) => losses.push(loss),
    });
    expect(losses.length).toBeGreaterThan(2);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThanOrEqual(losses[i - 1]!);
    expect(model.loss).toBe(losses.at(-1));
  });

  it("mini-batch training is deterministic for a seed and close to the full-batch optimum", () => {
    const data = generate("binary", 2000, 4, 5);
    const minibatch = spec("logistic_regression", { batchSize: 64, epochs: 60, learningRate: 0.05, l2: 0.01, tolerance: 1e-6 });
    const a = train(minibatch, "binary_classification", data.x, data.nRows, data.nCols, data.y, { seed: 11 });
    const b = train(minibatch, "binary_classification", data.x, data.nRows, data.nCols, data.y, { seed: 11 });
    const c = train(minibatch, "binary_classification", data.x, data.nRows, data.nCols, data.y, { seed: 12 });
    expect(a.solver).toBe("minibatch");
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(a.weights)).not.toEqual(Array.from(c.weights));
    const full = train(spec("logistic_regression", { l2: 0.01 }), "binary_classification", data.x, data.nRows, data.nCols, data.y);
    expect(a.loss).toBeLessThan(full.loss * 1.01);
  });

  it("stops at `epochs` iterations, or earlier once the loss improves by less than `tolerance`", () => {
    const d = generate("binary", 1000, 5, 13);
    const capped = train(spec("logistic_regression", { epochs: 2, tolerance: 0 }), "binary_classification", d.x, d.nRows, d.nCols, d.y);
    expect(capped.iterations).toBe(2);
    expect(capped.converged).toBe(false);
    const loose = train(spec("logistic_regression", { epochs: 500, tolerance: 0.05 }), "binary_classification", d.x, d.nRows, d.nCols, d.y);
    const tight = train(
      spec("logistic_regression", { epochs: 500, tolerance: 1e-10 }),
      "binary_classification",
      d.x,
      d.nRows,
      d.nCols,
      d.y,
    );
    expect(loose.converged && tight.converged).toBe(true);
    expect(loose.iterations).toBeLessThan(tight.iterations);
    expect(loose.loss).toBeGreaterThanOrEqual(tight.loss);
  });

  it("stays finite on separable data without regularisation", () => {
    const x = new Float32Array([-2, -1, -0.5, 0.5, 1, 2]);
    const y = new Float64Array([0, 0, 0, 1, 1, 1]);
    const model = train(spec("logistic_regression", { epochs: 50 }), "binary_classification", x, 6, 1, y);
    expect(Number.isFinite(model.weights[0]!)).toBe(true);
    expect(Number.isFinite(model.loss)).toBe(true);
    expect(Array.from(model.predict(x, 6), (p) => (p > 0.5 ? 1 : 0))).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it("rejects labels outside {0, 1} and the wrong task", () => {
    const x = new Float32Array([0, 1, 2]);
    expect(() => train(spec("logistic_regression"), "binary_classification", x, 3, 1, new Float64Array([0, 1, 2]))).toThrow(/label 2/);
    expect(() => train(spec("logistic_regression"), "regression", x, 3, 1, new Float64Array([0, 1, 1]))).toThrow(/regression/);
    expect(() =>
      train(spec("logistic_regression"), "binary_classification", new Float32Array([0, NaN, 1]), 3, 1, new Float64Array([0, 1, 1])),
    ).toThrow(/row 1/);
  });

  it("refuses a target with a single class, as scikit-learn does", () => {
    const x = new Float32Array([0, 1, 2, 3]);
    for (const label of [0, 1]) {
      const y = new Float64Array(4).fill(label);
      expect(() => train(spec("logistic_regression"), "binary_classification", x, 4, 1, y)).toThrow(/at least two classes/);
    }
    const y = new Float64Array(4).fill(2);
    expect(() => train(spec("softmax_regression"), "multiclass_classification", x, 4, 1, y, { nClasses: 3 })).toThrow(
      /at least two classes/,
    );
  });
});

describe("exported ONNX models predict what the trained model predicts", () => {
  it.each([
    ["linear_regression", "regression", "regression", "prediction"],
    ["logistic_regression", "binary", "binary_classification", "probability"],
    ["softmax_regression", "multiclass", "multiclass_classification", "probabilities"],
  ] as const)("%s", async (kind, data, task, output) => {
    const d = generate(data, 300, 5, 2);
    const model = train(spec(kind, { l2: 0.001 }), task, d.x, d.nRows, d.nCols, d.y);
    const session = await ort.InferenceSession.create(model.toOnnx());
    const result = await session.run({ features: new ort.Tensor("float32", d.x, [d.nRows, d.nCols]) });
    const expected = model.predict(d.x, d.nRows);
    const actual = result[output]!.data as Float32Array;
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 3);
    if (task !== "regression") {
      const labels = result.label!.data as BigInt64Array;
      const k = task === "binary_classification" ? 2 : 3;
      for (let i = 0; i < d.nRows; i++) {
        const probabilities = Array.from(result.probabilities!.data as Float32Array).slice(i * k, i * k + k);
        expect(Number(labels[i])).toBe(probabilities.indexOf(Math.max(...probabilities)));
      }
    }
  });
});

describe("export options and class counts", () => {
  it("standardizeInGraph gives the same predictions on raw features with large offsets", async () => {
    const d = generate("binary", 400, 3, 9);
    const offset = d.x.map((v, i) => v + 10000 * (1 + (i % 3)));
    const model = train(spec("logistic_regression", { l2: 0.01 }), "binary_classification", offset, d.nRows, d.nCols, d.y);
    const session = await ort.InferenceSession.create(model.toOnnx({ standardizeInGraph: true }));
    const result = await session.run({ features: new ort.Tensor("float32", offset, [d.nRows, d.nCols]) });
    const expected = model.predict(offset, d.nRows);
    for (let i = 0; i < d.nRows; i++) expect(result.probability!.data[i]).toBeCloseTo(expected[i]!, 3);
  });

  it("training twice gives byte-identical ONNX files (stable artifact hashes)", () => {
    const d = generate("multiclass", 500, 4, 6);
    const once = train(spec("softmax_regression", { l2: 0.01 }), "multiclass_classification", d.x, d.nRows, d.nCols, d.y).toOnnx();
    const twice = train(spec("softmax_regression", { l2: 0.01 }), "multiclass_classification", d.x, d.nRows, d.nCols, d.y).toOnnx();
    expect(Buffer.from(once).equals(Buffer.from(twice))).toBe(true);
  });

  it("softmax_regression takes the class count from the plan even when a class is absent from training", async () => {
    const d = generate("multiclass", 300, 3, 4);
    const model = train(spec("softmax_regression"), "multiclass_classification", d.x, d.nRows, d.nCols, d.y, { nClasses: 5 });
    expect(model.nClasses).toBe(5);
    const session = await ort.InferenceSession.create(model.toOnnx());
    const result = await session.run({ features: new ort.Tensor("float32", d.x.subarray(0, 3 * 2), [2, 3]) });
    expect(result.probabilities!.dims).toEqual([2, 5]);
    expect(result.probabilities!.data[4]).toBeLessThan(0.01);
  });
});

const hasSklearn = pythonHas(["numpy", "sklearn"], "trainer cross-check against scikit-learn");

describe.skipIf(!hasSklearn)("matches scikit-learn's optimum on the same objective", () => {
  // scikit-learn's lbfgs works on the raw (badly scaled) columns and may stop short; ours must
  // reach an objective at least as low, with nearly the same predictions.
  const objectives = `
from scipy.special import logsumexp
def objective(X, y, W, b, l2, multinomial):
    Z = X @ W + b
    if multinomial:
        data = np.mean(logsumexp(Z, axis=1) - Z[np.arange(len(y)), y.astype(int)])
    else:
        z = Z.ravel(); data = np.mean(np.logaddexp(0, z) - y * z)
    return float(data + 0.5 * l2 * np.sum(W ** 2))
`;

  it.each([
    ["logistic_regression", "binary", "binary_classification", 1, 0.001],
    ["softmax_regression", "multiclass", "multiclass_classification", 3, 0.01],
  ] as const)("%s = LogisticRegression(C = 1 / (n · l2))", (kind, data, task, k, l2) => {
    const d = generate(data, 3000, 4, 21);
    const model = train(spec(kind, { l2, tolerance: 1e-9 }), task, d.x, d.nRows, d.nCols, d.y);
    const ref = runPython(
      `from sklearn.linear_model import LogisticRegression
${objectives}
X = args[0].astype(np.float32).reshape(-1, ${d.nCols}).astype(np.float64); y = args[1]
multinomial = ${k > 1 ? "True" : "False"}
m = LogisticRegression(C=1/(len(y)*${l2}), tol=1e-12, max_iter=10000, multi_class="multinomial" if multinomial else "auto").fit(X, y)
ours_W = args[2].reshape(${d.nCols}, ${k}); ours_b = args[3]
p = m.predict_proba(X[:100]); p = p if multinomial else p[:, 1]
print(json.dumps({"sk": objective(X, y, m.coef_.T, m.intercept_, ${l2}, multinomial),
                  "ours": objective(X, y, ours_W, ours_b, ${l2}, multinomial), "p": p.ravel().tolist()}))`,
      [d.x, d.y, model.weights, model.intercepts],
    ) as { sk: number; ours: number; p: number[] };
    expect(ref.ours).toBeLessThanOrEqual(ref.sk + 1e-9);
    expect(ref.ours).toBeCloseTo(model.loss, 6);
    expect(ref.sk - ref.ours).toBeLessThan(1e-3);
    const ours = model.predict(d.x.subarray(0, 100 * d.nCols), 100);
    ref.p.forEach((p, i) => expect(Math.abs(ours[i]! - p)).toBeLessThan(0.01));
  });

  it("linear_regression = Ridge(alpha = n · l2)", () => {
    const d = generate("regression", 1000, 5, 4);
    const l2 = 0.05;
    const model = train(spec("linear_regression", { l2 }), "regression", d.x, d.nRows, d.nCols, d.y);
    const ref = runPython(
      `from sklearn.linear_model import Ridge
X = args[0].astype(np.float32).reshape(-1, ${d.nCols}).astype(np.float64); y = args[1]
m = Ridge(alpha=len(y)*${l2}).fit(X, y)
print(json.dumps({"w": m.coef_.tolist(), "b": float(m.intercept_)}))`,
      [d.x, d.y],
    ) as { w: number[]; b: number };
    ref.w.forEach((w, j) => expect(model.weights[j]).toBeCloseTo(w, 8));
    expect(model.intercepts[0]).toBeCloseTo(ref.b, 7);
  });
});
