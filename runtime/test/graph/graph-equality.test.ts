/**
 * The model graph (raw columns → features → model) against the JavaScript evaluator it replaces,
 * on a program that uses every feature function over every column type, with random rows.
 */
import fc from "fast-check";
import type { ColumnSpec, FeatureType } from "@mlops/compiler";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import { fitFeatures, type FittedFeatures } from "../../src/features/feature-pipeline.js";
import { composeModelGraph } from "../../src/graph/compose-model.js";
import { feedsFromDataset } from "../../src/graph/graph-feeds.js";
import { logisticRegressionOnnx } from "../../src/onnx/linear-models.js";
import { openScorer, type Scorer } from "../../src/scoring/scorer.js";
import { BOOL, bin, call, col, feature, featureSet, lit, slots, stateful, un, vector } from "../features/helpers.js";
import { compileFixture } from "./support/compile.js";
import { oracleMatrix } from "./support/feature-oracle.js";
import { datasetOf, rowArbitrary, sampleRows } from "./support/random-rows.js";

const plan = compileFixture("every-function.mlops");
const source = plan.sources.rows!;
const model = plan.models.m!;
const train = datasetOf(source.columns, sampleRows(source.columns, 400, 7));
const fitted: FittedFeatures = fitFeatures(
  { featureSet: plan.featureSets[model.featureSet]!, sourceColumns: source.columns, inputs: model.inputs },
  train,
);

/** Small weights scaled to each column's magnitude, so probabilities stay away from 0 and 1. */
function bareModel(): Uint8Array {
  const matrix = oracleMatrix(fitted, train);
  const weights = Array.from({ length: fitted.width }, (_, j) => {
    let magnitude = 0;
    for (let i = 0; i < train.rowCount; i++) {
      const v = Math.abs(matrix[i * fitted.width + j]!);
      if (Number.isFinite(v)) magnitude = Math.max(magnitude, v);
    }
    return (((j % 5) - 2) * 0.4) / (1 + magnitude);
  });
  return logisticRegressionOnnx(weights, 0.1);
}

const bare = bareModel();
let scorer: Scorer;
let bareSession: ort.InferenceSession;

beforeAll(async () => {
  scorer = await openScorer(composeModelGraph({ fitted, model: bare, name: "m", task: model.task, classes: ["false", "true"] }));
  bareSession = await ort.InferenceSession.create(bare);
});

afterAll(async () => {
  await scorer?.release();
  await bareSession?.release();
});

const close = (a: number, b: number, relative: number): boolean =>
  (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= relative * Math.max(1, Math.abs(a));

async function compare(dataset: Dataset): Promise<void> {
  const expected = oracleMatrix(fitted, dataset);
  const outputs = await scorer.session.run(feedsFromDataset(scorer.inputs, dataset), ["features", "probabilities", "label"]);
  const features = outputs.features!.data as Float32Array;
  expect(features.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    if (!close(expected[k]!, features[k]!, 1e-6)) {
      const row = Math.floor(k / fitted.width);
      const slot = fitted.inputs.find((s) => k % fitted.width >= s.offset && k % fitted.width < s.offset + s.width)!;
      const values = dataset.columns.map(
        (c) => `${c.name}=${c.nulls[row] ? "null" : c.storage === "string" ? JSON.stringify(c.dictionary[c.codes[row]!]) : c.values[row]}`,
      );
      expect.fail(
        `feature ${slot.feature} (slot ${k % fitted.width}) at row ${row}: evaluator ${expected[k]}, graph ${features[k]} (${values.join(", ")})`,
      );
    }
  }
  const reference = await bareSession.run({ features: new ort.Tensor("float32", expected, [dataset.rowCount, fitted.width]) });
  const p = reference.probability!.data as Float32Array;
  const probabilities = outputs.probabilities!.data as Float32Array;
  const labels = outputs.label!.data as string[];
  for (let i = 0; i < dataset.rowCount; i++) {
    expect(close(p[i]!, probabilities[2 * i + 1]!, 0) || Math.abs(p[i]! - probabilities[2 * i + 1]!) <= 1e-6).toBe(true);
    if (!Number.isNaN(p[i]!)) {
      expect(Math.abs(1 - p[i]! - probabilities[2 * i]!)).toBeLessThanOrEqual(1e-6);
      if (Math.abs(p[i]! - 0.5) > 1e-6) expect(labels[i]).toBe(p[i]! > 0.5 ? "true" : "false");
    }
  }
}

describe("the model graph against the JavaScript evaluator", () => {
  it("agrees on the training rows", async () => {
    await compare(train);
  });

  it("agrees on random rows (nulls, extremes, unseen values, month and year boundaries)", async () => {
    const row = rowArbitrary(source.columns);
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 30 }), async (rows) => {
        await compare(datasetOf(source.columns, rows));
      }),
      { numRuns: 150, seed: 20261205 },
    );
  });
});

/**
 * Expressions the checker does not let through (null operands, string ordering, quantile buckets)
 * but the evaluator defines: the graph follows it there too.
 */
describe("the model graph on null operands and evaluator-only forms", () => {
  const columns: ColumnSpec[] = [
    { name: "x", type: { kind: "float", nullable: true }, unique: false },
    { name: "n", type: { kind: "int", nullable: true }, unique: false },
    { name: "t", type: { kind: "timestamp", nullable: true }, unique: false },
    { name: "d", type: { kind: "date", nullable: true }, unique: false },
    { name: "s", type: { kind: "string", nullable: true }, unique: false },
    { name: "w", type: { kind: "string", nullable: false }, unique: false },
    { name: "b", type: { kind: "bool", nullable: true }, unique: false },
    { name: "c", type: { kind: "bool", nullable: false }, unique: false },
  ];
  const INT: FeatureType = { kind: "int", nullable: true };
  const features = [
    feature("hour_t", call("hour", col("t"))),
    feature("weekday_t", call("day_of_week", col("t"))),
    feature("month_t", call("month", col("t"))),
    feature("month_d", call("month", col("d"))),
    feature("span", call("days_between", col("t"), col("d"))),
    feature("len_s", call("len", col("s"))),
    feature("has_a", call("contains", col("s"), lit("a")), BOOL),
    feature("is_apple", bin("==", call("lower", col("s")), lit("apple")), BOOL),
    feature("before", bin("<", col("s"), col("w")), BOOL),
    feature("after_eq", bin(">=", call("upper", col("w")), col("s")), BOOL),
    feature("same", bin("!=", col("s"), col("w")), BOOL),
    feature("x_big", bin(">", col("x"), lit(1)), BOOL),
    feature("both", bin("and", col("b"), col("c")), BOOL),
    feature("either", bin("or", col("b"), bin("==", col("x"), lit(null))), BOOL),
    feature("negated", un("not", col("b")), BOOL),
    feature("first", call("coalesce", col("x"), col("n"))),
    feature("chosen", call("if", col("b"), col("x"), col("n"))),
    feature("s_missing", call("is_null", col("s")), BOOL),
    feature("smallest", call("min", col("x"), col("n"))),
    feature("clipped", call("clip", col("x"), col("n"), lit(3))),
    feature("logs", call("log", col("x"))),
    feature("roots", call("sqrt", col("x"))),
    feature("x_quartile", stateful("q", "bucketize", col("x"), lit(4)), vector(4)),
    feature("x_bucket", stateful("e", "bucketize", col("x"), call("list", lit(-1), lit(0), lit(2))), INT),
    feature("n_hot", stateful("o", "one_hot", col("n")), vector(null)),
    feature("b_hash", stateful("h", "hash_bucket", col("b"), lit(4)), vector(4)),
    feature("s_hash", stateful("hs", "hash_bucket", col("s"), lit(7)), INT),
    feature("b_filled", stateful("ib", "impute", col("b"), lit(true)), BOOL),
    feature("s_filled", stateful("os", "one_hot", stateful("is", "impute", col("s"), lit("zz"))), vector(null)),
  ];
  const set = featureSet(features, "rows");
  const rowsOf = (count: number, seed: number): Dataset => datasetOf(columns, sampleRows(columns, count, seed));
  const nullTrain = rowsOf(300, 11);
  const nullFitted = fitFeatures({ featureSet: set, sourceColumns: columns, inputs: slots(...features.map((f) => f.name)) }, nullTrain);

  it("agrees with the evaluator, nulls included", async () => {
    const weights = Array.from({ length: nullFitted.width }, (_, j) => ((j % 3) - 1) * 1e-3);
    const graph = await openScorer(
      composeModelGraph({
        fitted: nullFitted,
        model: logisticRegressionOnnx(weights, 0),
        name: "nulls",
        task: "binary_classification",
        classes: ["no", "yes"],
      }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(rowArbitrary(columns), { minLength: 1, maxLength: 20 }), async (rows) => {
          const dataset = datasetOf(columns, rows);
          const expected = oracleMatrix(nullFitted, dataset);
          const out = await graph.session.run(feedsFromDataset(graph.inputs, dataset), ["features"]);
          const actual = out.features!.data as Float32Array;
          for (let k = 0; k < expected.length; k++) {
            if (!close(expected[k]!, actual[k]!, 1e-6)) {
              const slot = nullFitted.inputs.find((s) => k % nullFitted.width >= s.offset && k % nullFitted.width < s.offset + s.width)!;
              expect.fail(
                `${slot.feature} row ${Math.floor(k / nullFitted.width)}: evaluator ${expected[k]}, graph ${actual[k]}: ${JSON.stringify(rows[Math.floor(k / nullFitted.width)])}`,
              );
            }
          }
        }),
        { numRuns: 100, seed: 77 },
      );
    } finally {
      await graph.release();
    }
  });
});
