/** Gate rules against hand-written metrics: thresholds, champion arithmetic, no champion, undefined metrics. */
import { describe, expect, it } from "vitest";
import type { GateRule, GateSpec, PlanExpr } from "@mlops/compiler";
import { evaluateGate } from "../../src/steps/gate.js";
import { bin, lit, ref } from "../support/plan-expr.js";

const champion = (name: string): PlanExpr => ref("champion", name);

function rule(
  text: string,
  metric: string,
  comparison: GateRule["comparison"],
  threshold: PlanExpr,
  extra: Partial<GateRule> = {},
): GateRule {
  const usesChampion = JSON.stringify(threshold).includes('"champion"');
  return { text, metric, comparison, threshold, better: "higher", unit: "ratio", usesChampion, ...extra };
}

function gate(rules: GateRule[], onNoChampion: GateSpec["onNoChampion"] = "pass"): GateSpec {
  return { name: "release", model: "m", rules, onNoChampion };
}

describe("evaluateGate", () => {
  it("passes and fails rules with their value, threshold and reason", () => {
    const verdict = evaluateGate(
      gate([
        rule("auc >= 85%", "auc", ">=", lit(0.85)),
        rule("latency_p95 <= 20ms", "latency_p95", "<=", lit(20), { unit: "ms", better: "lower" }),
        rule("demographic_parity_difference(by = country) <= 0.1", "demographic_parity_difference", "<=", lit(0.1), {
          by: "country",
          better: "lower",
        }),
      ]),
      { auc: 0.8, latency_p95: 0.5, "demographic_parity_difference(by=country)": 0.05 },
      null,
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.rules.map((r) => [r.passed, r.value, r.threshold, r.reason])).toEqual([
      [false, 0.8, 0.85, "auc = 0.8, required >= 0.85"],
      [true, 0.5, 20, "latency_p95 = 0.5ms <= 20ms"],
      [true, 0.05, 0.1, "demographic_parity_difference(by=country) = 0.05 <= 0.1"],
    ]);
  });

  it("champion rules compute their threshold from the production metrics", () => {
    const rules = [rule("auc >= champion.auc - 0.01", "auc", ">=", bin("-", champion("auc"), lit(0.01)))];
    const better = evaluateGate(gate(rules), { auc: 0.9 }, { version: 3, metrics: { auc: 0.905 } });
    expect(better.rules[0]).toMatchObject({ passed: true, threshold: 0.895, reason: "auc = 0.9 >= 0.895 (champion v3)" });
    const worse = evaluateGate(gate(rules), { auc: 0.88 }, { version: 3, metrics: { auc: 0.905 } });
    expect(worse.rules[0]).toMatchObject({ passed: false, reason: "auc = 0.88, required >= 0.895 (champion v3)" });
  });

  it("with no champion, champion rules pass unless on_no_champion = fail", () => {
    const rules = [rule("auc >= champion.auc", "auc", ">=", champion("auc"))];
    expect(evaluateGate(gate(rules), { auc: 0.9 }, null).rules[0]).toMatchObject({
      passed: true,
      threshold: null,
      reason: "no champion: m has no production version",
    });
    expect(evaluateGate(gate(rules, "fail"), { auc: 0.9 }, null).rules[0]).toMatchObject({
      passed: false,
      reason: "no champion: m has no production version (on_no_champion = fail)",
    });
  });

  it("a metric that is missing or undefined fails its rule", () => {
    const verdict = evaluateGate(
      gate([rule("auc >= 0.5", "auc", ">=", lit(0.5)), rule("recall >= 0.5", "recall", ">=", lit(0.5))]),
      { auc: Number.NaN },
      null,
    );
    expect(verdict.rules.map((r) => r.reason)).toEqual(["metric auc is undefined on the test split", "metric recall was not measured"]);
    expect(verdict.passed).toBe(false);
  });
});
