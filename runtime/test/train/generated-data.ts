import { seededRandom } from "../../src/index.js";

export interface Generated {
  x: Float32Array;
  y: Float64Array;
  nRows: number;
  nCols: number;
}

/** Columns with different means and scales; y from a linear score (binary, K classes or noisy regression). */
export function generate(kind: "binary" | "multiclass" | "regression", nRows: number, nCols: number, seed: number, classes = 3): Generated {
  const random = seededRandom(seed);
  const x = new Float32Array(nRows * nCols);
  const y = new Float64Array(nRows);
  const centre = Array.from({ length: nCols }, (_, j) => (j % 3) * 10);
  const spread = Array.from({ length: nCols }, (_, j) => [1, 50, 0.2][j % 3]!);
  const beta = Array.from({ length: nCols * classes }, () => random.nextNormal());
  for (let i = 0; i < nRows; i++) {
    const scores = new Array<number>(classes).fill(0);
    for (let j = 0; j < nCols; j++) {
      const z = random.nextNormal();
      x[i * nCols + j] = centre[j]! + spread[j]! * z;
      for (let c = 0; c < classes; c++) scores[c]! += z * beta[j * classes + c]!;
    }
    if (kind === "regression") y[i] = 3 + 2 * scores[0]! + 0.5 * random.nextNormal();
    else if (kind === "binary") y[i] = random.next() < 1 / (1 + Math.exp(-scores[0]!)) ? 1 : 0;
    else {
      const e = scores.map(Math.exp);
      let u = random.next() * e.reduce((a, b) => a + b, 0);
      let c = 0;
      while (c < classes - 1 && u > e[c]!) u -= e[c++]!;
      y[i] = c;
    }
  }
  return { x, y, nRows, nCols };
}
