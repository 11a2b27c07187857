import { fileURLToPath } from "node:url";
import type { PlanExpr, SourceSpec } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import { buildDataReport, formatDataReport } from "../../src/data/expectations.js";
import { readSource } from "../../src/data/read-source.js";
import { transactionsSource } from "../fixtures/sources.js";
import { bin, call, col, lit, un } from "../support/plan-expr.js";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const cmp = (operator: "<=" | ">=" | "<" | ">" | "==", left: PlanExpr, right: PlanExpr): PlanExpr => bin(operator, left, right);

async function report(expectations: SourceSpec["expectations"]) {
  const source = { ...transactionsSource("csv", "transactions.csv"), expectations };
  const { dataset } = await readSource(source, fixtures);
  return buildDataReport(source, dataset, { contentHash: "abc" });
}

describe("expectations", () => {
  it("evaluates every aggregate against hand-computed values", async () => {
    // amounts: 12.5 250 0.99 75 1000 33.3; countries: US null FR DE "Saint "Kitts"" US
    const r = await report([
      { text: "row_count >= 6", expr: cmp(">=", call("row_count"), lit(6)) },
      { text: "null_rate(country) <= 20%", expr: cmp("<=", call("null_rate", col("country")), lit(0.2)) },
      { text: "distinct_count(country) == 4", expr: cmp("==", call("distinct_count", col("country")), lit(4)) },
      { text: "duplicate_rate(country) < 0.1", expr: cmp("<", call("duplicate_rate", col("country")), lit(0.1)) },
      { text: "mean(amount) < 5000", expr: cmp("<", call("mean", col("amount")), lit(5000)) },
      {
        text: "max(amount) - min(amount) > 999",
        expr: cmp(">", bin("-", call("max", col("amount")), call("min", col("amount"))), lit(999)),
      },
      { text: "quantile(amount, 0.5) <= 50", expr: cmp("<=", call("quantile", col("amount"), lit(0.5)), lit(50)) },
      {
        text: "stddev(hour) > 0 and not mean(is_fraud) > 0.5",
        expr: bin("and", cmp(">", call("stddev", col("hour")), lit(0)), un("not", cmp(">", call("mean", col("is_fraud")), lit(0.5)))),
      },
    ]);
    const values = Object.assign({}, ...r.expectations.map((e) => e.aggregates));
    expect(values["row_count()"]).toBe(6);
    expect(values["null_rate(country)"]).toBeCloseTo(1 / 6);
    expect(values["distinct_count(country)"]).toBe(4);
    expect(values["duplicate_rate(country)"]).toBeCloseTo(2 / 6); // both US rows
    expect(values["mean(amount)"]).toBeCloseTo((12.5 + 250 + 0.99 + 75 + 1000 + 33.3) / 6);
    expect(values["quantile(amount, 0.5)"]).toBeCloseTo((33.3 + 75) / 2);
    expect(values["stddev(hour)"]).toBeCloseTo(7.286975, 5); // statistics.stdev([8, 23, 2, 14, 17, 11]);
    expect(r.expectations.map((e) => [e.text, e.passed])).toEqual([
      ["row_count >= 6", true],
      ["null_rate(country) <= 20%", true],
      ["distinct_count(country) == 4", true],
      ["duplicate_rate(country) < 0.1", false],
      ["mean(amount) < 5000", true],
      ["max(amount) - min(amount) > 999", true],
      ["quantile(amount, 0.5) <= 50", false],
      ["stddev(hour) > 0 and not mean(is_fraud) > 0.5", true],
    ]);
    expect(r.passed).toBe(false);
  });

  it("summarises columns and renders readable text", async () => {
    const r = await report([{ text: "row_count >= 1000", expr: cmp(">=", call("row_count"), lit(1000)) }]);
    const amount = r.columns.find((c) => c.name === "amount")!;
    expect(amount).toMatchObject({ type: "float", count: 6, nulls: 0, min: 0.99, max: 1000 });
    const category = r.columns.find((c) => c.name === "category")!;
    expect(category.top![0]).toEqual({ value: "grocery", count: 2 });
    expect(r.columns.find((c) => c.name === "created_at")!.min).toBe("2024-05-01T08:15:00.000Z");
    const text = formatDataReport(r);
    expect(text).toContain("FAIL  row_count >= 1000  (row_count() = 6)");
    expect(text).toContain("country: string?, nulls 1 (16.6667%), distinct 4");
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("reports a check it cannot evaluate as failed with the reason", async () => {
    const r = await report([{ text: "mean(nope) > 1", expr: cmp(">", call("mean", col("nope")), lit(1)) }]);
    expect(r.expectations[0]!.passed).toBe(false);
    expect(r.expectations[0]!.error).toMatch(/no column "nope"/);
  });
});
