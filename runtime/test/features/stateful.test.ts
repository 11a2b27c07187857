import { describe, expect, it } from "vitest";
import type { ColumnSpec } from "@mlops/compiler";
import { DatasetBuilder } from "../../src/data/dataset-builder.js";
import type { CellValue } from "../../src/data/dataset.js";
import { DataError } from "../../src/data/errors.js";
import { splitDataset } from "../../src/data/split.js";
import { fitFeatures, type FittedFeatures } from "../../src/features/feature-pipeline.js";
import { transformDataset, transformRecords } from "../graph/support/transform.js";
import { encodeTarget } from "../../src/features/target.js";
import { call, col, feature, featureSet, list, lit, slots, stateful, un, vector } from "./helpers.js";

const columns: ColumnSpec[] = [
  { name: "x", type: { kind: "float", nullable: true }, unique: false },
  { name: "kind", type: { kind: "enum", values: ["b", "a", "c"], nullable: true }, unique: false },
  { name: "city", type: { kind: "string", nullable: false }, unique: false },
  { name: "flag", type: { kind: "bool", nullable: false }, unique: false },
];

function dataset(rows: CellValue[][]) {
  const builder = new DatasetBuilder(columns);
  rows.forEach((r, i) => builder.append(r, i + 1));
  return builder.finish();
}

const train = dataset([
  [1, "a", "paris", true],
  [2, "b", "rome", false],
  [3, null, "oslo", true],
  [null, "a", "rome", false],
  [6, "c", "paris", true],
]);

const features = [
  feature("x_z", stateful("s1", "standardize", stateful("s0", "impute", col("x"), lit("mean")))),
  feature("x_mm", stateful("s2", "min_max", stateful("s3", "impute", col("x"), lit(0)))),
  feature("x_med", stateful("s4", "impute", col("x"), col("median"))),
  feature("kind_1h", stateful("s5", "one_hot", col("kind")), vector(4)),
  feature("city_1h", stateful("s6", "one_hot", col("city")), vector(null)),
  feature("city_mode", stateful("s7", "hash_bucket", stateful("s8", "impute", col("city"), lit("mode")), lit(8)), vector(8)),
  feature("x_bucket", stateful("s9", "bucketize", stateful("s10", "impute", col("x"), lit(0)), lit(2)), vector(2)),
  feature("flag_1h", stateful("s11", "one_hot", col("flag")), vector(2)),
];
const set = featureSet(features);
const inputs = slots(...features.map((f) => f.name));

function fit(data = train): FittedFeatures {
  return fitFeatures({ featureSet: set, sourceColumns: columns, inputs }, data);
}

describe("stateful transforms", () => {
  it("fits each state with its documented definition", () => {
    const fitted = fit();
    expect(fitted.states.s0).toEqual({ kind: "impute", strategy: "mean", value: 3 });
    // x after mean impute: 1 2 3 3 6 → mean 3, population std sqrt(14/5)
    expect(fitted.states.s1).toEqual({ kind: "standardize", mean: 3, std: Math.sqrt(14 / 5) });
    expect(fitted.states.s2).toEqual({ kind: "min_max", min: 0, max: 6 });
    expect(fitted.states.s4).toEqual({ kind: "impute", strategy: "median", value: 2.5 });
    expect(fitted.states.s5).toEqual({ kind: "one_hot", categories: ["b", "a", "c"], nullCategory: true });
    expect(fitted.states.s6).toEqual({ kind: "one_hot", categories: ["oslo", "paris", "rome"], nullCategory: false });
    expect(fitted.states.s8).toEqual({ kind: "impute", strategy: "mode", value: "paris" });
    expect(fitted.states.s9).toEqual({ kind: "bucketize", edges: [2], buckets: 2 });
    expect(fitted.states.s7).toEqual({ kind: "hash_bucket", buckets: 8, hash: "murmur3-x86-32-utf8" });
  });

  it("resolves the input layout with widths and labels", () => {
    const fitted = fit();
    expect(fitted.inputs.map((s) => [s.feature, s.offset, s.width])).toEqual([
      ["x_z", 0, 1],
      ["x_mm", 1, 1],
      ["x_med", 2, 1],
      ["kind_1h", 3, 4],
      ["city_1h", 7, 3],
      ["city_mode", 10, 8],
      ["x_bucket", 18, 2],
      ["flag_1h", 20, 2],
    ]);
    expect(fitted.width).toBe(22);
    expect(fitted.inputs[3]!.labels).toEqual(["kind_1h=b", "kind_1h=a", "kind_1h=c", "kind_1h=<null>"]);
    expect(fitted.inputs[6]!.labels).toEqual(["x_bucket=<2", "x_bucket=>=2"]);
    expect(fitted.columns.map((c) => c.name)).toEqual(["x", "kind", "city", "flag"]);
  });

  it("transforms rows with the fitted states, unseen categories as zeros", async () => {
    const fitted = fit();
    const m = await transformDataset(fitted, dataset([[null, null, "lima", false]]));
    const row = Array.from(m.data);
    expect(row[0]).toBeCloseTo(0); // imputed mean 3 → z 0
    expect(row[1]).toBe(0); // imputed 0 → min_max 0
    expect(row[2]).toBe(2.5);
    expect(row.slice(3, 7)).toEqual([0, 0, 0, 1]); // null kind → null category
    expect(row.slice(7, 10)).toEqual([0, 0, 0]); // lima was not in training
    expect(row.slice(10, 18).reduce((a, b) => a + b)).toBe(1);
    expect(row.slice(18, 20)).toEqual([1, 0]);
    expect(row.slice(20, 22)).toEqual([1, 0]);
  });

  it("fits on the training split only: test values never reach the state", async () => {
    const rows: CellValue[][] = [];
    for (let i = 0; i < 100; i++) rows.push([i, "a", `city${i % 10}`, i % 2 === 0]);
    rows.push([1e6, "a", "atlantis", true]);
    const all = dataset(rows);
    const split = splitDataset(all, { test: 0.2, seed: 3 });
    const outlierInTest = split.test.sourceRows!.includes(101);
    const { train: trainSplit, test: testSplit } = outlierInTest ? split : { train: split.test, test: split.train };
    const fitted = fit(trainSplit);
    const refit = fitFeatures({ featureSet: set, sourceColumns: columns, inputs }, trainSplit);
    expect(fitted).toEqual(refit);
    const s2 = fitted.states.s2 as { max: number };
    expect(s2.max).toBeLessThan(1e6);
    expect((fitted.states.s6 as { categories: string[] }).categories).not.toContain("atlantis");
    const m = await transformDataset(fitted, testSplit);
    expect(m.rows).toBe(testSplit.rowCount);
  });

  it("serves records through the same graph: identical to the dataset path, JSON round-trip included", async () => {
    const fitted = JSON.parse(JSON.stringify(fit())) as FittedFeatures;
    const fromDataset = await transformDataset(fitted, train);
    const records = [
      { x: 1, kind: "a", city: "paris", flag: true, extra: "ignored" },
      { x: 2, kind: "b", city: "rome", flag: false },
      { x: 3, kind: null, city: "oslo", flag: "yes" },
      { kind: "a", city: "rome", flag: false },
      { x: "6", kind: "c", city: "paris", flag: 1 },
    ];
    expect((await transformRecords(fitted, records)).data).toEqual(fromDataset.data);
  });

  it("rejects a record that does not fit, naming the record and field", async () => {
    const fitted = fit();
    let error: unknown;
    try {
      await transformRecords(fitted, [
        { x: 1, kind: "a", city: "paris", flag: true },
        { x: 1, kind: "z", city: "paris", flag: true },
        { x: 1, kind: "a", flag: true },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe("invalid-record");
    expect((error as DataError).message).toBe(
      'record 2, field kind: not one of "b", "a", "c"; record 3, field city: null in a non-nullable column',
    );
  });

  it("refuses to transform with a missing state", async () => {
    const fitted = fit();
    delete fitted.states.s6;
    await expect(transformDataset(fitted, train)).rejects.toThrow(/feature city_1h: no fitted state "s6" for one_hot\(\)/);
  });

  it("keeps an enum's declared order through coalesce and impute, so widths match the compiler's", async () => {
    const set = featureSet([
      feature("k1", stateful("a", "one_hot", call("coalesce", col("kind"), lit("c"))), vector(3)),
      feature("k2", stateful("b", "one_hot", stateful("c", "impute", col("kind"), lit("mode"))), vector(3)),
    ]);
    const only = dataset([
      [1, "c", "x", true],
      [2, null, "y", false],
    ]);
    const fitted = fitFeatures({ featureSet: set, sourceColumns: columns, inputs: slots("k1", "k2") }, only);
    expect(fitted.inputs.map((s) => s.labels)).toEqual([
      ["k1=b", "k1=a", "k1=c"],
      ["k2=b", "k2=a", "k2=c"],
    ]);
    expect(Array.from((await transformDataset(fitted, only)).data)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    const other = featureSet([feature("k3", stateful("d", "one_hot", stateful("e", "impute", col("kind"), lit("other"))), vector(4))]);
    const withOther = fitFeatures({ featureSet: other, sourceColumns: columns, inputs: slots("k3") }, only);
    expect(withOther.inputs[0]!.labels).toEqual(["k3=b", "k3=a", "k3=c", "k3=other"]);
    expect(Array.from((await transformDataset(withOther, only)).data)).toEqual([0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it("bucketizes by a list of edges, negative ones included, as a one-hot vector", async () => {
    const set = featureSet([feature("b", stateful("e", "bucketize", col("x"), list(un("-", lit(1)), lit(2))), vector(3))]);
    const data = dataset([
      [-5, "a", "x", true],
      [1, "a", "x", true],
      [2, "a", "x", true],
    ]);
    const fitted = fitFeatures({ featureSet: set, sourceColumns: columns, inputs: slots("b") }, data);
    expect(fitted.inputs[0]!.labels).toEqual(["b=<-1", "b=[-1,2)", "b=>=2"]);
    expect(Array.from((await transformDataset(fitted, data)).data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it("bucketize/hash_bucket give the bucket index for a scalar feature, and fixed edges need no data", async () => {
    const scalar = featureSet([
      feature("b", stateful("e", "bucketize", stateful("i", "impute", col("x"), lit(0)), list(lit(1.5), lit(2.5), lit(4))), {
        kind: "int",
        nullable: false,
      }),
      feature("h", stateful("h", "hash_bucket", col("city"), lit(4)), { kind: "int", nullable: false }),
    ]);
    const fitted = fitFeatures({ featureSet: scalar, sourceColumns: columns, inputs: slots("b", "h") }, train);
    const m = await transformDataset(fitted, train);
    expect(Array.from({ length: 5 }, (_, i) => m.data[i * 2])).toEqual([0, 1, 2, 0, 3]);
    // MurmurHash3 x86_32 of paris, rome, oslo, rome, paris mod 4 (from an independent Python implementation)
    expect(Array.from({ length: 5 }, (_, i) => m.data[i * 2 + 1])).toEqual([3, 1, 1, 1, 3]);
  });
});

describe("encodeTarget", () => {
  it("encodes classes by the plan's order and names a bad row", () => {
    expect(
      Array.from(
        encodeTarget(
          {
            task: "binary_classification",
            target: { column: "flag", type: { kind: "bool", nullable: false }, classes: ["false", "true"] },
          },
          train,
        ),
      ),
    ).toEqual([1, 0, 1, 0, 1]);
    expect(() => encodeTarget({ task: "multiclass_classification", target: { column: "kind", type: columns[1]!.type } }, train)).toThrow(
      "target kind is null at row 3",
    );
  });
});
