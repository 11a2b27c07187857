/**
 * gate.G: evaluates every rule of the gate against the model's metrics; `champion.*` reads the
 * metrics of the registry version aliased `production`. The verdict (each rule's value,
 * threshold and reason) is always written; a failed rule fails the step.
 */
import { count } from "@mlops/compiler/core";
import type { Comparison, GateRule, GateSpec, PlanExpr } from "@mlops/compiler";
import { StepFailure, jsonBytes, parseJson, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { evaluatePlanExpr } from "../plan-expr.js";
import type { MetricsReport } from "./evaluate.js";
import { format } from "./metric-format.js";
import { gateOf, metricKey } from "./plan-lookup.js";

export interface RuleVerdict {
  rule: string;
  metric: string;
  value: number | null;
  comparison: Comparison;
  threshold: number | null;
  passed: boolean;
  reason: string;
}

export interface GateVerdict {
  gate: string;
  model: string;
  passed: boolean;
  champion: { version: number; metrics: Record<string, number | null> } | null;
  rules: RuleVerdict[];
}

export async function gateStep(ctx: StepContext): Promise<StepOutcome> {
  const gate = gateOf(ctx.plan, ctx.step.subject.name);
  const report = parseJson<MetricsReport>(await ctx.readInput("metrics"));
  const production = gate.rules.some((r) => r.usesChampion) ? await ctx.metadata.registry.getAlias(gate.model, "production") : null;
  const champion = production ? { version: production.version, metrics: production.metrics } : null;
  const verdict = evaluateGate(gate, report.metrics, champion);
  await ctx.writeOutput("verdict", jsonBytes(verdict));
  const text = formatVerdict(verdict);
  const path = await ctx.writeReport("verdict.txt", text);
  await ctx.writeReport("verdict.json", jsonBytes(verdict));
  const failed = verdict.rules.filter((r) => !r.passed);
  const metrics = { rules: verdict.rules.length, failed: failed.length };
  if (failed.length > 0) {
    throw new StepFailure(`${failureHeadline(verdict, failed)}\n${text.trimEnd()}\n(gate report: ${path})`, [path], metrics);
  }
  return { metrics, summary: `${count(verdict.rules.length, "rule")} passed${champion ? ` vs champion v${champion.version}` : ""}` };
}

/**
 * The first line of a gate failure: the failed rule with its value and threshold first
 * (`gate clinical: recall = 0.62, required >= 0.8 (\`require recall >= 80%\`)`), then how many
 * rules failed and what that blocks.
 */
function failureHeadline(verdict: GateVerdict, failed: RuleVerdict[]): string {
  const first = failed[0]!;
  const others = failed.length > 1 ? `; ${count(failed.length - 1, "other rule")} failed too` : "";
  return `gate ${verdict.gate}: ${first.reason} (\`require ${first.rule}\`)${others}; ${verdict.model} is not registered`;
}

export function evaluateGate(gate: GateSpec, metrics: Record<string, number>, champion: GateVerdict["champion"]): GateVerdict {
  const rules = gate.rules.map((rule) => evaluateRule(rule, metrics, champion, gate.onNoChampion, gate.model));
  return { gate: gate.name, model: gate.model, passed: rules.every((r) => r.passed), champion, rules };
}

function evaluateRule(
  rule: GateRule,
  metrics: Record<string, number>,
  champion: GateVerdict["champion"],
  onNoChampion: "pass" | "fail",
  model: string,
): RuleVerdict {
  const key = metricKey(rule.metric, rule.by);
  const raw = metrics[key];
  const value = raw === undefined || !Number.isFinite(raw) ? null : raw;
  const base = { rule: rule.text, metric: key, value, comparison: rule.comparison };
  if (rule.usesChampion && !champion) {
    const passed = onNoChampion === "pass";
    return {
      ...base,
      threshold: null,
      passed,
      reason: `no champion: ${model} has no production version${passed ? "" : " (on_no_champion = fail)"}`,
    };
  }
  let threshold: number | null;
  try {
    threshold = evaluateThreshold(rule.threshold, metrics, champion?.metrics ?? {});
  } catch (error) {
    return { ...base, threshold: null, passed: false, reason: (error as Error).message };
  }
  if (value === null)
    return {
      ...base,
      threshold,
      passed: false,
      reason: raw === undefined ? `metric ${key} was not measured` : `metric ${key} is undefined on the test split`,
    };
  if (threshold === null) return { ...base, threshold, passed: false, reason: "the threshold is undefined" };
  const passed = compare(value, rule.comparison, threshold);
  const shown = (v: number): string => (rule.unit === "ms" ? `${format(v)}ms` : format(v));
  const reason = passed
    ? `${key} = ${shown(value)} ${rule.comparison} ${shown(threshold)}`
    : `${key} = ${shown(value)}, required ${rule.comparison} ${shown(threshold)}`;
  return { ...base, threshold, passed, reason: rule.usesChampion ? `${reason} (champion v${champion!.version})` : reason };
}

function evaluateThreshold(expr: PlanExpr, metrics: Record<string, number>, championMetrics: Record<string, number | null>): number | null {
  return evaluatePlanExpr<number | null>(expr, {
    lit(node) {
      if (typeof node.value !== "number") throw new Error(`threshold ${JSON.stringify(node.value)} is not a number`);
      return node.value;
    },
    ref(node) {
      const key = metricKey(node.name, node.by);
      const value = node.scope === "champion" ? championMetrics[key] : node.scope === "metric" ? metrics[key] : undefined;
      if (value === undefined) throw new Error(`${node.scope === "champion" ? "champion." : ""}${key} is not known`);
      return value;
    },
    unary(node, v) {
      if (node.operator !== "-") throw new Error("`not` in a threshold");
      return v === null ? null : -v;
    },
    binary(node, a, b) {
      if (a === null || b === null) return null;
      switch (node.operator) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return b === 0 ? null : a / b;
        default:
          throw new Error(`operator ${node.operator} in a threshold`);
      }
    },
    call(node) {
      throw new Error(`${node.fn}() in a threshold`);
    },
    evaluatedArgs: () => 0,
  });
}

function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
}

export function formatVerdict(verdict: GateVerdict): string {
  const lines = [`Gate ${verdict.gate} for model ${verdict.model}: ${verdict.passed ? "PASSED" : "FAILED"}`];
  lines.push(verdict.champion ? `  champion: production v${verdict.champion.version}` : "  champion: none");
  for (const r of verdict.rules) lines.push(`  ${r.passed ? "pass" : "FAIL"}  ${r.rule}  — ${r.reason}`);
  return `${lines.join("\n")}\n`;
}
