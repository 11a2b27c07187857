/**
 * evaluate.M: every metric the language allows for the task, computed on the test split by
 * running the model graph (raw columns → prediction) through onnxruntime-node; single-row latency
 * percentiles through the whole graph; fairness by the columns the gates name.
 */
import { cellValue, getColumn } from "../data/dataset.js";
import { StepFailure, jsonBytes, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { evaluationCurves } from "../evaluate/curves.js";
import { evaluateScores, measureGraphLatency } from "../evaluate/evaluate-scores.js";
import type { GroupKey } from "../evaluate/metrics.js";
import { FeatureError } from "../features/evaluate.js";
import { openScorer } from "../scoring/scorer.js";
import { format } from "./metric-format.js";
import { classLabels, loadSplit } from "./model-data.js";
import { gatesOfModel, metricKey, modelOf } from "./plan-lookup.js";

export interface MetricsReport {
  model: string;
  task: string;
  testRows: number;
  /** Flat: `auc`, `latency_p95` (ms), `demographic_parity_difference(by=country)`. */
  metrics: Record<string, number>;
}

/** Metrics the summary table shows first, by task. */
export const KEY_METRICS: Record<string, string[]> = {
  binary_classification: ["auc", "recall", "f1"],
  multiclass_classification: ["accuracy", "macro_f1"],
  regression: ["r2", "rmse"],
};

export async function evaluateStep(ctx: StepContext): Promise<StepOutcome> {
  const model = modelOf(ctx.plan, ctx.step.subject.name);
  const { dataset, target } = await loadSplit(ctx, model, "test");
  const scorer = await openScorer(await ctx.readInput("model"));
  try {
    ctx.progress({ label: "scoring", done: 0, total: dataset.rowCount });
    const groups: Record<string, GroupKey[]> = {};
    if (model.task !== "regression") {
      for (const by of fairnessColumns(ctx, model.name)) {
        const column = getColumn(dataset, by);
        groups[by] = Array.from({ length: dataset.rowCount }, (_, i) => cellValue(column, i));
      }
    }
    const scores = await scorer.scoreDataset(dataset, { labels: false }).catch((error: unknown) => {
      throw error instanceof FeatureError ? new StepFailure(error.message) : error;
    });
    const evaluation = evaluateScores(model.task, scores, target, { nClasses: classLabels(model).length, groups });
    const metrics: Record<string, number> = { ...evaluation.metrics };
    if (dataset.rowCount > 0) {
      const latency = await measureGraphLatency(scorer, dataset);
      Object.assign(metrics, { latency_p50: latency.p50, latency_p95: latency.p95, latency_p99: latency.p99 });
    }
    for (const [by, values] of Object.entries(evaluation.fairness))
      for (const [name, value] of Object.entries(values)) metrics[metricKey(name, by)] = value;
    const report: MetricsReport = { model: model.name, task: model.task, testRows: dataset.rowCount, metrics };
    await ctx.writeOutput("metrics", jsonBytes(report));
    await ctx.writeReport("metrics.json", jsonBytes(report));
    const key = KEY_METRICS[model.task] ?? [];
    const classes = classLabels(model);
    const curves = evaluationCurves({
      task: model.task,
      yTrue: target,
      scores: evaluation.scores,
      ...(evaluation.labels ? { labels: evaluation.labels } : {}),
      classes,
    });
    return { metrics, summary: key.map((k) => `${k} ${format(metrics[k])}`).join(", "), details: { curves } };
  } finally {
    await scorer.release();
  }
}

function fairnessColumns(ctx: StepContext, model: string): string[] {
  return [...new Set(gatesOfModel(ctx.plan, model).flatMap((g) => g.rules.flatMap((r) => (r.by ? [r.by] : []))))].sort();
}
