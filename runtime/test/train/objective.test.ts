/**
 * The trainers' objective (four rows at a time, chunked, log1p summed as a log of products)
 * against its plain definition computed one row at a time, and its gradient against finite
 * differences: all rows, row counts that are not a multiple of four, mini-batch subsets, large
 * margins.
 */
import { describe, expect, it } from "vitest";
import { columnScaling } from "../../src/train/feature-scaling.js";
import { evaluateObjective, makeProblem, type LossKind, type Problem } from "../../src/train/objective.js";
import { generate } from "./generated-data.js";

function problemOf(loss: LossKind, nRows: number, nCols: number, seed: number): Problem {
  const classes = loss === "multinomial" ? 3 : 1;
  const data = generate(loss === "squared" ? "regression" : loss === "logistic" ? "binary" : "multiclass", nRows, nCols, seed, 3);
  return makeProblem({
    loss,
    x: data.x,
    y: data.y,
    nRows,
    nCols,
    nOutputs: classes,
    scaling: columnScaling(data.x, nRows, nCols),
    l2: 0.01,
  });
}

/** The definition, one row at a time: mean loss over `rows` + l2/2 ‖θ_w / scale‖². */
function reference(problem: Problem, theta: Float64Array, rows: ArrayLike<number>): { value: number; gradient: Float64Array } {
  const { x, y, nCols: d, nOutputs: k, scaling } = problem;
  const gradient = new Float64Array(theta.length);
  let total = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const z = Array.from({ length: d }, (_, j) => (x[i * d + j]! - scaling.mean[j]!) / scaling.scale[j]!);
    const f = Array.from({ length: k }, (_, c) => theta[d * k + c]! + z.reduce((s, zj, j) => s + zj * theta[j * k + c]!, 0));
    let residuals: number[];
    if (problem.loss === "squared") {
      total += 0.5 * (f[0]! - y[i]!) ** 2;
      residuals = [f[0]! - y[i]!];
    } else if (problem.loss === "logistic") {
      total += Math.max(f[0]!, 0) + Math.log1p(Math.exp(-Math.abs(f[0]!))) - y[i]! * f[0]!;
      residuals = [1 / (1 + Math.exp(-f[0]!)) - y[i]!];
    } else {
      const max = Math.max(...f);
      const sum = f.reduce((s, v) => s + Math.exp(v - max), 0);
      total += Math.log(sum) + max - f[y[i]!]!;
      residuals = f.map((v, c) => Math.exp(v - max) / sum - (c === y[i] ? 1 : 0));
    }
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) gradient[j * k + c]! += (residuals[c]! * z[j]!) / rows.length;
      gradient[d * k + c]! += residuals[c]! / rows.length;
    }
  }
  let penalty = 0;
  for (let j = 0; j < d; j++) {
    for (let c = 0; c < k; c++) {
      const w = theta[j * k + c]! / scaling.scale[j]!;
      penalty += w * w;
      gradient[j * k + c]! += (problem.l2 * w) / scaling.scale[j]!;
    }
  }
  return { value: total / rows.length + 0.5 * problem.l2 * penalty, gradient };
}

function thetaOf(problem: Problem, magnitude: number): Float64Array {
  return Float64Array.from({ length: (problem.nCols + 1) * problem.nOutputs }, (_, i) => magnitude * Math.sin(3 * i + 1));
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number): void {
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `index ${i}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected[i]!)));
  }
}

describe("the trainers' objective", () => {
  for (const loss of ["logistic", "squared", "multinomial"] as const) {
    for (const nRows of [1, 3, 4, 7, 1027]) {
      it(`${loss}, ${nRows} rows: value and gradient as defined`, () => {
        const problem = problemOf(loss, nRows, 5, nRows);
        for (const magnitude of [0.3, 40]) {
          const theta = thetaOf(problem, magnitude);
          const gradient = new Float64Array(theta.length);
          const value = evaluateObjective(problem, theta, gradient);
          const expected = reference(
            problem,
            theta,
            Array.from({ length: nRows }, (_, i) => i),
          );
          expect(Math.abs(value - expected.value)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(expected.value)));
          expectClose(gradient, expected.gradient, 1e-9);
        }
      });
    }

    it(`${loss}: a mini-batch subset of rows, in its own order`, () => {
      const problem = problemOf(loss, 300, 4, 9);
      const rows = Int32Array.from([299, 0, 17, 17, 150, 42, 7, 8, 9, 100, 3]);
      const theta = thetaOf(problem, 0.5);
      const gradient = new Float64Array(theta.length);
      const value = evaluateObjective(problem, theta, gradient, rows);
      const expected = reference(problem, theta, rows);
      expect(Math.abs(value - expected.value)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(expected.value)));
      expectClose(gradient, expected.gradient, 1e-9);
    });
  }

  it("the gradient matches central finite differences (logistic, several chunks of rows)", () => {
    const problem = problemOf("logistic", 60_000, 12, 4);
    const theta = thetaOf(problem, 0.2);
    const gradient = new Float64Array(theta.length);
    evaluateObjective(problem, theta, gradient);
    const scratch = new Float64Array(theta.length);
    for (let p = 0; p < theta.length; p++) {
      const h = 1e-5;
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[p]! += h;
      minus[p]! -= h;
      const numeric = (evaluateObjective(problem, plus, scratch) - evaluateObjective(problem, minus, scratch)) / (2 * h);
      expect(Math.abs(gradient[p]! - numeric), `parameter ${p}`).toBeLessThanOrEqual(1e-7);
    }
  });
});
