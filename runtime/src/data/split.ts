import { seededRandom, shuffleInPlace } from "../random/seeded-random.js";
import { cellValue, getColumn, takeRows, type Dataset } from "./dataset.js";

export interface SplitOptions {
  /** Share of rows in the test split, 0..1. */
  test: number;
  seed: number;
  /** Keep the class proportions of this column in both splits (null is a class of its own). */
  stratifyBy?: string;
}

export interface Split {
  train: Dataset;
  test: Dataset;
  /** Row indices of the input, ascending. */
  trainIndices: Uint32Array;
  testIndices: Uint32Array;
}

/**
 * Seeded train/test split: the same dataset, options and seed always give the same split.
 * The test size is round(test × rows) (per class when stratified, the remainder going to the
 * classes with the largest fractional share, ties in first-seen order). Rows keep their input order.
 */
export function splitDataset(dataset: Dataset, options: SplitOptions): Split {
  if (!(options.test >= 0 && options.test <= 1)) throw new Error(`test share must be within 0..1, got ${options.test}`);
  const random = seededRandom(options.seed);
  const groups = options.stratifyBy === undefined ? [allRows(dataset.rowCount)] : classRows(dataset, options.stratifyBy);
  const quotas = allocate(
    groups.map((g) => g.length),
    options.test,
    dataset.rowCount,
  );
  const isTest = new Uint8Array(dataset.rowCount);
  groups.forEach((rows, g) => {
    shuffleInPlace(rows, random);
    for (let k = 0; k < quotas[g]!; k++) isTest[rows[k]!] = 1;
  });
  const testIndices: number[] = [];
  const trainIndices: number[] = [];
  for (let i = 0; i < dataset.rowCount; i++) (isTest[i] === 1 ? testIndices : trainIndices).push(i);
  const trainRows = Uint32Array.from(trainIndices);
  const testRows = Uint32Array.from(testIndices);
  return { train: takeRows(dataset, trainRows), test: takeRows(dataset, testRows), trainIndices: trainRows, testIndices: testRows };
}

function allRows(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function classRows(dataset: Dataset, name: string): number[][] {
  const column = getColumn(dataset, name);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < dataset.rowCount; i++) {
    const key = JSON.stringify(cellValue(column, i));
    let rows = groups.get(key);
    if (!rows) groups.set(key, (rows = []));
    rows.push(i);
  }
  return [...groups.values()];
}

function allocate(sizes: number[], share: number, total: number): number[] {
  const target = Math.round(share * total);
  const exact = sizes.map((n) => n * share);
  const quotas = exact.map(Math.floor);
  let rest = target - quotas.reduce((a, b) => a + b, 0);
  const order = exact.map((e, g) => ({ g, frac: e - Math.floor(e) })).sort((a, b) => b.frac - a.frac || a.g - b.g);
  for (const { g } of order) {
    if (rest <= 0) break;
    if (quotas[g]! < sizes[g]!) {
      quotas[g]!++;
      rest--;
    }
  }
  return quotas;
}
