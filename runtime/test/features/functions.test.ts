import { fileURLToPath } from "node:url";
import { PlanExprBuilder } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import { readSource } from "../../src/data/read-source.js";
import { fitFeatures } from "../../src/features/feature-pipeline.js";
import { murmur3Text } from "../../src/features/hash.js";
import { transformDataset } from "../graph/support/transform.js";
import { transactionsSource } from "../fixtures/sources.js";
import { BOOL, bin, call, col, feat, feature, featureSet, lit, slots, un } from "./helpers.js";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const source = transactionsSource("csv", "transactions.csv");

/** Column j of the model input for each row. */
async function compute(features: ReturnType<typeof feature>[]) {
  const { dataset } = await readSource(source, fixtures);
  const set = featureSet(features);
  const fitted = fitFeatures({ featureSet: set, sourceColumns: source.columns, inputs: slots(...features.map((f) => f.name)) }, dataset);
  const matrix = await transformDataset(fitted, dataset);
  const columns: Record<string, number[]> = {};
  for (const slot of matrix.inputs) {
    columns[slot.feature] = Array.from({ length: matrix.rows }, (_, i) => matrix.data[i * matrix.width + slot.offset]!);
  }
  return columns;
}

const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));

describe("standard feature functions", () => {
  // amount: 12.5 250 0.99 75 1000 33.3 · hour: 8 23 2 14 17 11 · country: US null FR DE Saint "Kitts" US
  // created_at (UTC): 05-01 08:15 (Wed) · 05-01 23:59:59 · 05-02 00:00 (Thu) · 05-02 00:00 · 05-03 17:00:00.5 (Fri) · 05-04 11:00 (Sat)
  it("computes math, comparison, logic and time functions row by row", async () => {
    const out = await compute([
      feature("log1p_amount", call("log1p", col("amount"))),
      feature("sqrt_hour", call("sqrt", col("hour"))),
      feature("exp_neg", call("exp", un("-", call("abs", bin("-", col("hour"), lit(10)))))),
      feature("log_amount", call("log", col("amount"))),
      feature("clipped", call("clip", col("amount"), lit(10), lit(100))),
      feature("smallest", call("min", col("hour"), lit(12), bin("/", col("amount"), lit(10)))),
      feature("largest", call("max", col("hour"), lit(12))),
      feature("rounded", call("round", bin("/", col("hour"), lit(4)))),
      feature("is_night", bin("or", bin("<", col("hour"), lit(6)), bin(">=", col("hour"), lit(22))), BOOL),
      feature("not_us", un("not", bin("==", call("coalesce", col("country"), lit("US")), lit("US"))), BOOL),
      feature("no_country", call("is_null", col("country")), BOOL),
      feature("name_len", call("len", call("coalesce", call("lower", col("country")), lit("")))),
      feature("has_s", call("if", call("contains", call("upper", call("coalesce", col("country"), lit("x"))), lit("S")), lit(1), lit(0))),
      feature("hour_of_day", call("hour", col("created_at"))),
      feature("weekday", call("day_of_week", col("created_at"))),
      feature("month", call("month", col("opened"))),
      feature("age_days", call("days_between", col("opened"), col("created_at"))),
      feature("ratio", bin("*", feat("log1p_amount"), lit(2))),
      feature("fraud", col("is_fraud"), BOOL),
    ]);
    const amounts = [12.5, 250, 0.99, 75, 1000, 33.3];
    const hours = [8, 23, 2, 14, 17, 11];
    expect(out.log1p_amount).toEqual(f32(amounts.map(Math.log1p)));
    expect(out.sqrt_hour).toEqual(f32(hours.map(Math.sqrt)));
    expect(out.exp_neg).toEqual(f32(hours.map((h) => Math.exp(-Math.abs(h - 10)))));
    expect(out.log_amount).toEqual(f32(amounts.map(Math.log)));
    expect(out.clipped).toEqual(f32([12.5, 100, 10, 75, 100, 33.3]));
    expect(out.smallest).toEqual(f32([1.25, 12, 0.099, 7.5, 12, 3.33]));
    expect(out.largest).toEqual([12, 23, 12, 14, 17, 12]);
    expect(out.rounded).toEqual([2, 6, 1, 4, 4, 3]); // 0.5 → 1 and 3.5 → 4 (halves away from zero), 5.75 → 6, 4.25 → 4, 2.75 → 3
    expect(out.is_night).toEqual([0, 1, 1, 0, 0, 0]);
    expect(out.not_us).toEqual([0, 0, 1, 1, 1, 0]);
    expect(out.no_country).toEqual([0, 1, 0, 0, 0, 0]);
    expect(out.name_len).toEqual([2, 0, 2, 2, 13, 2]);
    expect(out.has_s).toEqual([1, 0, 0, 0, 1, 1]);
    expect(out.hour_of_day).toEqual([8, 23, 0, 0, 17, 11]);
    expect(out.weekday).toEqual([2, 2, 3, 3, 4, 5]);
    expect(out.month).toEqual([1, 6, 12, 2, 3, 1]);
    const opened = ["2020-01-15", "2021-06-30", "2019-12-31", "2022-02-28", "2023-03-01", "2020-01-15"].map(Date.parse);
    const created = [
      "2024-05-01T08:15:00Z",
      "2024-05-01T23:59:59Z",
      "2024-05-02T00:00:00Z",
      "2024-05-02T00:00:00Z",
      "2024-05-03T17:00:00.500Z",
      "2024-05-04T11:00:00Z",
    ].map(Date.parse);
    expect(out.age_days).toEqual(created.map((c, i) => Math.trunc((c - opened[i]!) / 86_400_000)));
    expect(out.age_days![0]).toBe(1568); // 2020-01-15 → 2024-05-01 08:15
    expect(out.ratio).toEqual(f32(amounts.map((a) => Math.log1p(a) * 2)));
    expect(out.fraud).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it("reports a null model input with the feature and the row", async () => {
    await expect(compute([feature("ratio", bin("/", col("hour"), bin("-", col("hour"), lit(14))))])).rejects.toThrow(
      "feature ratio is null at row 4; a model input must not be null (use coalesce() or impute())",
    );
    await expect(compute([feature("country", col("country"))])).rejects.toThrow(
      /feature country is a string; encode it with one_hot\(\) or hash_bucket\(\)/,
    );
  });
});

describe("flat plan expressions", () => {
  it("evaluates a 5,000-term chain and a 1,000-deep unary chain without recursion", async () => {
    const b = new PlanExprBuilder();
    let sum = b.ref("column", "hour");
    for (let i = 1; i < 5000; i++) sum = b.binary("+", sum, b.ref("column", "hour"));
    const chain = b.build();
    const n = new PlanExprBuilder();
    let negated = n.ref("column", "hour");
    for (let i = 0; i < 1000; i++) negated = n.unary("-", negated);
    const out = await compute([feature("sum", chain), feature("same", n.build())]);
    expect(out.sum).toEqual([8, 23, 2, 14, 17, 11].map((h) => h * 5000));
    expect(out.same).toEqual([8, 23, 2, 14, 17, 11]);
  });
});

describe("murmur3Text", () => {
  it("matches the reference MurmurHash3 x86_32 (seed 0) of UTF-8 bytes", () => {
    // Values from an independent Python implementation; the first and last are the published test vectors.
    expect(murmur3Text("hello")).toBe(613153351);
    expect(murmur3Text("")).toBe(0);
    expect(murmur3Text("US")).toBe(3665442060);
    expect(murmur3Text("日本")).toBe(3302619458);
    expect(murmur3Text("true")).toBe(888000370);
    expect(murmur3Text("The quick brown fox jumps over the lazy dog")).toBe(776992547);
  });
});
