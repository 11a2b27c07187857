import { describe, expect, it } from "vitest";
import { cellValue, getColumn, type Dataset } from "../../src/data/dataset.js";
import { DatasetBuilder } from "../../src/data/dataset-builder.js";
import { splitDataset } from "../../src/data/split.js";

function labelled(n: number, positives: number): Dataset {
  const builder = new DatasetBuilder([
    { name: "id", type: { kind: "int", nullable: false } },
    { name: "y", type: { kind: "bool", nullable: false } },
  ]);
  for (let i = 0; i < n; i++) builder.append([i, i % Math.round(n / positives) === 0], i + 1);
  return builder.finish();
}

const ids = (d: Dataset) => Array.from({ length: d.rowCount }, (_, i) => cellValue(getColumn(d, "id"), i));
const positives = (d: Dataset) =>
  Array.from({ length: d.rowCount }, (_, i) => cellValue(getColumn(d, "y"), i)).filter((v) => v === true).length;

describe("splitDataset", () => {
  it("is deterministic for a seed and different across seeds", () => {
    const data = labelled(1000, 100);
    const a = splitDataset(data, { test: 0.2, seed: 42 });
    const b = splitDataset(data, { test: 0.2, seed: 42 });
    const c = splitDataset(data, { test: 0.2, seed: 7 });
    expect(ids(a.test)).toEqual(ids(b.test));
    expect(ids(a.test)).not.toEqual(ids(c.test));
    expect(a.test.rowCount).toBe(200);
    expect(a.train.rowCount).toBe(800);
    expect(new Set([...ids(a.train), ...ids(a.test)]).size).toBe(1000);
  });

  it("keeps class proportions when stratified", () => {
    const data = labelled(1000, 50);
    for (const seed of [1, 2, 3]) {
      const { train, test } = splitDataset(data, { test: 0.2, seed, stratifyBy: "y" });
      expect(positives(test)).toBe(10);
      expect(positives(train)).toBe(40);
    }
  });

  it("keeps the source row numbers of each row", () => {
    const { test } = splitDataset(labelled(10, 2), { test: 0.3, seed: 1 });
    expect(Array.from(test.sourceRows!)).toEqual(ids(test).map((id) => (id as number) + 1));
  });
});
