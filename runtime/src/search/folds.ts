/**
 * How a search validates candidates inside the training split: k folds (each row validates once)
 * or one validation share. Seeded, and stratified by a class column when asked, like the split.
 */
import type { SearchSpec } from "@mlops/compiler";
import { cellValue, getColumn, type Dataset } from "../data/dataset.js";
import { splitDataset } from "../data/split.js";
import { seededRandom, shuffleInPlace } from "../random/seeded-random.js";

export interface Fold {
  /** Row indices of the training split, ascending. */
  train: Uint32Array;
  validate: Uint32Array;
}

export interface FoldOptions {
  seed: number;
  /** A class column to keep in proportion in every fold (classification with `split.stratify`). */
  stratifyBy?: string;
}

export function makeFolds(dataset: Dataset, validation: SearchSpec["validation"], options: FoldOptions): Fold[] {
  if (validation.kind === "holdout") {
    const split = splitDataset(dataset, {
      test: validation.share,
      seed: options.seed,
      ...(options.stratifyBy !== undefined ? { stratifyBy: options.stratifyBy } : {}),
    });
    return [{ train: split.trainIndices, validate: split.testIndices }];
  }
  const k = validation.folds;
  if (dataset.rowCount < k)
    throw new Error(`${k}-fold cross-validation needs at least ${k} training rows, the split has ${dataset.rowCount}`);
  const foldOf = new Uint8Array(dataset.rowCount);
  const random = seededRandom(options.seed);
  let next = 0;
  for (const rows of groups(dataset, options.stratifyBy)) {
    shuffleInPlace(rows, random);
    // round-robin over the shuffled rows of each class, continuing where the last class stopped
    for (const row of rows) foldOf[row] = next++ % k;
  }
  return Array.from({ length: k }, (_, fold) => {
    const train: number[] = [];
    const validate: number[] = [];
    for (let i = 0; i < dataset.rowCount; i++) (foldOf[i] === fold ? validate : train).push(i);
    return { train: Uint32Array.from(train), validate: Uint32Array.from(validate) };
  });
}

function groups(dataset: Dataset, column: string | undefined): number[][] {
  const all = Array.from({ length: dataset.rowCount }, (_, i) => i);
  if (column === undefined) return [all];
  const values = getColumn(dataset, column);
  const byClass = new Map<string, number[]>();
  for (const i of all) {
    const key = JSON.stringify(cellValue(values, i));
    let rows = byClass.get(key);
    if (!rows) byClass.set(key, (rows = []));
    rows.push(i);
  }
  return [...byClass.values()];
}
