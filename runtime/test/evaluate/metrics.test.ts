import { describe, expect, it } from "vitest";
import {
  averagePrecision,
  binaryClassificationMetrics,
  fairnessMetrics,
  latencyPercentiles,
  multiclassClassificationMetrics,
  regressionMetrics,
  rocAuc,
  seededRandom,
} from "../../src/index.js";
import { pythonHas, runPython } from "../support/python-reference.js";

describe("binary classification metrics (hand-computed)", () => {
  const yTrue = [0, 0, 1, 1, 1, 0, 1, 0];
  const p = [0.1, 0.4, 0.35, 0.8, 0.7, 0.6, 0.5, 0.2];
  // p > 0.5 → [0,0,0,1,1,1,0,0]: TP 2, FP 1, FN 2, TN 3
  const m = binaryClassificationMetrics(yTrue, p);

  it("threshold metrics", () => {
    expect(m.accuracy).toBeCloseTo(5 / 8, 12);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(1 / 2, 12);
    expect(m.f1).toBeCloseTo(4 / 7, 12);
  });

  it("auc counts positive-above-negative pairs (13 of 16), ties count half", () => {
    expect(m.auc).toBeCloseTo(13 / 16, 12);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it("pr_auc is the step-wise average precision (41/48)", () => {
    expect(m.pr_auc).toBeCloseTo(41 / 48, 12);
    // one tie group holding a positive and a negative: P = 1/2 at R = 1
    expect(averagePrecision([1, 0], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    expect(averagePrecision([0, 0], [0.5, 0.7])).toBe(0);
  });

  it("log_loss and brier", () => {
    const logLoss = -[0.9, 0.6, 0.35, 0.8, 0.7, 0.4, 0.5, 0.8].reduce((s, q) => s + Math.log(q), 0) / 8;
    expect(m.log_loss).toBeCloseTo(logLoss, 12);
    expect(m.brier).toBeCloseTo(1.3725 / 8, 12);
  });

  it("zero division gives 0 without throwing", () => {
    const none = binaryClassificationMetrics([1, 0, 1], [0.1, 0.2, 0.3]);
    expect(none.precision).toBe(0);
    expect(none.recall).toBe(0);
    expect(none.f1).toBe(0);
  });

  it("clips probabilities 0 and 1 by the machine epsilon of their type", () => {
    expect(binaryClassificationMetrics([1], [0]).log_loss).toBeCloseTo(-Math.log(2 ** -52), 9);
    expect(binaryClassificationMetrics([1], new Float32Array([0])).log_loss).toBeCloseTo(-Math.log(2 ** -23), 9);
  });
});

describe("multiclass metrics (hand-computed)", () => {
  it("per-label counts averaged over the labels present", () => {
    // label 0: P 2/3 R 1 F1 .8; label 1: 0 0 0; label 2: P 2/3 R 1 F1 .8
    const yTrue = [0, 1, 2, 2, 1, 0];
    const yPred = [0, 2, 2, 2, 0, 0];
    const probabilities = yPred.flatMap((k) => [0, 1, 2].map((c) => (c === k ? 0.8 : 0.1)));
    const m = multiclassClassificationMetrics(yTrue, probabilities, 3);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.macro_precision).toBeCloseTo(4 / 9, 12);
    expect(m.macro_recall).toBeCloseTo(2 / 3, 12);
    expect(m.macro_f1).toBeCloseTo(1.6 / 3, 12);
    expect(m.weighted_f1).toBeCloseTo(3.2 / 6, 12);
    expect(m.log_loss).toBeCloseTo(-(4 * Math.log(0.8) + 2 * Math.log(0.1)) / 6, 12);
  });

  it("renormalises rows that do not sum to 1", () => {
    const m = multiclassClassificationMetrics([0], [2, 2], 2);
    expect(m.log_loss).toBeCloseTo(Math.log(2), 12);
  });
});

describe("regression metrics (scikit-learn's documented example)", () => {
  it("rmse mae r2 mape", () => {
    const m = regressionMetrics([3, -0.5, 2, 7], [2.5, 0, 2, 8]);
    expect(m.mae).toBeCloseTo(0.5, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(m.r2).toBeCloseTo(0.9486081370449679, 12);
    expect(m.mape).toBeCloseTo(0.3273809523809524, 12);
  });

  it("r2 of a constant target is 1 when perfect, else 0", () => {
    expect(regressionMetrics([2, 2], [2, 2]).r2).toBe(1);
    expect(regressionMetrics([2, 2], [2, 3]).r2).toBe(0);
  });
});

describe("fairness metrics (fairlearn's definitions)", () => {
  it("demographic parity and equalized odds differences between groups", () => {
    const groups = ["a", "a", "a", "b", "b", "b"];
    const yTrue = [1, 0, 1, 1, 0, 0];
    const yPred = [1, 1, 0, 1, 0, 0];
    // selection rate a 2/3, b 1/3; TPR a 1/2, b 1; FPR a 1, b 0
    expect(fairnessMetrics(yTrue, yPred, groups)).toEqual({
      demographic_parity_difference: expect.closeTo(1 / 3, 12),
      equalized_odds_difference: 1,
    });
  });

  it("treats null as its own group and a single group as no difference", () => {
    expect(fairnessMetrics([1, 0], [1, 0], [null, null]).demographic_parity_difference).toBe(0);
    expect(fairnessMetrics([1, 0], [1, 0], ["x", null]).demographic_parity_difference).toBe(1);
  });
});

describe("latency", () => {
  it("percentiles interpolate linearly between order statistics", () => {
    const samples = Array.from({ length: 101 }, (_, i) => 101 - i);
    expect(latencyPercentiles(samples)).toEqual({ p50: 51, p95: 96, p99: 100 });
    expect(latencyPercentiles([4, 1, 3, 2]).p95).toBeCloseTo(3.85, 12);
    expect(latencyPercentiles([]).p50).toBeNaN();
  });
});

const hasSklearn = pythonHas(["numpy", "sklearn"], "metric cross-check against scikit-learn");

describe.skipIf(!hasSklearn)("agrees with scikit-learn on random data with ties", () => {
  const random = seededRandom(99);
  const n = 2000;
  const yTrue = Float64Array.from({ length: n }, () => (random.next() < 0.3 ? 1 : 0));
  // scores rounded to 2 decimals: many ties
  const p = Float64Array.from(yTrue, (y) => Math.round(Math.min(0.999, Math.max(0.001, 0.35 * y + 0.65 * random.next())) * 100) / 100);

  it("binary", () => {
    const ours = binaryClassificationMetrics(yTrue, p);
    const ref = runPython(
      `from sklearn import metrics as m
y, p = args[0], args[1]; yp = (p > 0.5).astype(float)
print(json.dumps({"accuracy": m.accuracy_score(y, yp), "precision": m.precision_score(y, yp), "recall": m.recall_score(y, yp),
  "f1": m.f1_score(y, yp), "auc": m.roc_auc_score(y, p), "pr_auc": m.average_precision_score(y, p),
  "log_loss": m.log_loss(y, p), "brier": m.brier_score_loss(y, p)}))`,
      [yTrue, p],
    ) as Record<string, number>;
    for (const [name, value] of Object.entries(ref)) expect(ours[name as keyof typeof ours], name).toBeCloseTo(value, 10);
  });

  it("multiclass (a class never predicted)", () => {
    const k = 4;
    const labels = Float64Array.from({ length: n }, () => random.nextInt(k));
    const probabilities = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const raw = [0, 1, 2, 3].map((c) => (c === 3 ? 0.01 : random.next() + (c === labels[i] ? 0.5 : 0)));
      const sum = raw.reduce((a, b) => a + b, 0);
      raw.forEach((v, c) => (probabilities[i * k + c] = v / sum));
    }
    const ours = multiclassClassificationMetrics(labels, probabilities, k);
    const ref = runPython(
      `from sklearn import metrics as m
y = args[0]; P = args[1].reshape(-1, ${k}); yp = P.argmax(axis=1).astype(float)
print(json.dumps({"accuracy": m.accuracy_score(y, yp), "macro_f1": m.f1_score(y, yp, average="macro"),
  "weighted_f1": m.f1_score(y, yp, average="weighted"), "macro_precision": m.precision_score(y, yp, average="macro"),
  "macro_recall": m.recall_score(y, yp, average="macro"), "log_loss": m.log_loss(y, P, labels=list(range(${k})))}))`,
      [labels, probabilities],
    ) as Record<string, number>;
    for (const [name, value] of Object.entries(ref)) expect(ours[name as keyof typeof ours], name).toBeCloseTo(value, 10);
  });

  it("regression", () => {
    const y = Float64Array.from({ length: n }, () => random.nextNormal() * 10 + 5);
    const yHat = Float64Array.from(y, (v) => v + random.nextNormal());
    const ours = regressionMetrics(y, yHat);
    const ref = runPython(
      `from sklearn import metrics as m
y, yh = args[0], args[1]
print(json.dumps({"rmse": float(np.sqrt(m.mean_squared_error(y, yh))), "mae": m.mean_absolute_error(y, yh),
  "r2": m.r2_score(y, yh), "mape": m.mean_absolute_percentage_error(y, yh)}))`,
      [y, yHat],
    ) as Record<string, number>;
    for (const [name, value] of Object.entries(ref)) expect(ours[name as keyof typeof ours], name).toBeCloseTo(value, 9);
  });
});
