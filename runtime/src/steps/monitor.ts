/**
 * monitor.X: drift between the reference (the production model's training split, or a source) and
 * the current traffic in the window (the deployment's request log, or a batch deployment's input
 * source filtered on its timestamp column), by the monitor's drift rules; the model's metrics over
 * the window when the monitor has delayed labels; then its policies act (`../monitor-actions/`):
 * `alert` posts to its notifier, `retrain` runs the training DAG, `rollback` moves `production`
 * back, each after its cooldown and exactly once across a crash.
 */
import { count } from "@mlops/compiler/core";
import type { DriftRule, ModelSpec, MonitorSpec, PlanExpr, SourceSpec } from "@mlops/compiler";
import { RowSink } from "../data/row-sink.js";
import { readSource } from "../data/read-source.js";
import { cellValue, getColumn, hasColumn, type Dataset } from "../data/dataset.js";
import { DataError } from "../data/errors.js";
import { decodeDataset } from "../executor/dataset-codec.js";
import { StepFailure, jsonBytes, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { latencyPercentiles } from "../evaluate/latency.js";
import { METRICS_BY_TASK } from "../evaluate/metrics.js";
import type { FittedFeatures } from "../features/feature-pipeline.js";
import { driftReportHtml } from "../monitor/drift-report-html.js";
import { evaluateDriftRule, type DriftSample } from "../monitor/drift-statistics.js";
import { type Histogram, histogram } from "../monitor/histograms.js";
import { type KeyedScores, labelledMetrics, labelsByKey, loggedScores } from "../monitor/labelled-metrics.js";
import { rowsInWindow } from "../monitor/window.js";
import { type PolicyResult, applyPolicy } from "../monitor-actions/apply-policy.js";
import { PolicyStates } from "../monitor-actions/policy-state.js";
import { withCheckLease } from "../monitor-actions/check-lease.js";
import { type RequestLogEntry, requestLogPath } from "../request-log/format.js";
import { readRequestLog } from "../request-log/reader.js";
import { featureMatrix } from "../scoring/feature-matrix.js";
import { openModelSession } from "../scoring/model-session.js";
import { scoreDataset } from "./score.js";
import { deploymentOf, modelOf, sourceOf } from "./plan-lookup.js";
import { argNode, evaluatePlanExpr } from "../plan-expr.js";

export interface DriftResult {
  target: string;
  method: string;
  value: number | null;
  threshold: number;
  comparison: string;
  drifted: boolean;
  error?: string;
}

export interface MonitorReport {
  monitor: string;
  deployment: string;
  model: string;
  version: number;
  /** ISO time of the check (the window ends here). */
  at: string;
  referenceRows: number;
  currentRows: number;
  current: string;
  /** With labels: how many scored records in the window found their true outcome. */
  labelledRows?: number;
  signals: Record<string, number | null>;
  drift: DriftResult[];
  policies: PolicyResult[];
}

interface CurrentData {
  dataset: Dataset;
  origin: string;
  signals: Record<string, number | null>;
  /** Served traffic: the request-log entries in the window. */
  entries?: RequestLogEntry[];
}

export async function monitorStep(ctx: StepContext): Promise<StepOutcome> {
  const monitor = ctx.plan.monitors[ctx.step.subject.name];
  if (!monitor) throw new Error(`the plan has no monitor \`${ctx.step.subject.name}\``);
  return withCheckLease(ctx, monitor.name, () => checkMonitor(ctx, monitor));
}

async function checkMonitor(ctx: StepContext, monitor: MonitorSpec): Promise<StepOutcome> {
  const now = new Date();
  const model = modelOf(ctx.plan, monitor.model);
  const source = sourceOf(ctx.plan, model.source);
  const production = await ctx.metadata.registry.getAlias(model.name, "production");
  if (!production?.featuresHash) throw new StepFailure(`model ${model.name} has no production version to monitor`);
  const reference = await referenceData(ctx, monitor, production.lineage);
  const current = await currentData(ctx, monitor, source, now.getTime());
  const fitted = await ctx.artifacts.getJson<FittedFeatures>(production.featuresHash);
  const session = await openModelSession(await ctx.artifacts.get(production.artifactHash), fitted, model);
  let drift: DriftResult[];
  const histograms: Record<string, Histogram> = {};
  let performance: { metrics: Record<string, number | null>; labelled: number } | undefined;
  try {
    drift = await driftResults(
      monitor,
      model.target.column,
      reference,
      current.dataset,
      fitted,
      (d) => scoreDataset(session, fitted, d, model).then((s) => predictionSample(s.values, s.width)),
      histograms,
    );
    if (monitor.labels) {
      const labels = monitor.labels;
      const keyed: KeyedScores = current.entries
        ? loggedScores(model, labels, current.entries)
        : { keys: batchKeys(current.dataset, labels.key), scores: await scoreDataset(session, fitted, current.dataset, model) };
      performance = labelledMetrics(model, keyed, labelsByKey(labels, await read(ctx, sourceOf(ctx.plan, labels.source))));
    }
  } finally {
    await session.release();
  }
  const evaluated = drift.filter((d) => d.target !== "prediction" && d.error === undefined);
  const signals: Record<string, number | null> = {
    drift_share: evaluated.length === 0 ? 0 : evaluated.filter((d) => d.drifted).length / evaluated.length,
    ...current.signals,
    ...(monitor.labels ? metricSignals(model, performance?.metrics ?? {}) : {}),
  };
  const base: MonitorReport = {
    monitor: monitor.name,
    deployment: monitor.deployment,
    model: model.name,
    version: production.version,
    at: now.toISOString(),
    referenceRows: reference.rowCount,
    currentRows: current.dataset.rowCount,
    current: current.origin,
    ...(performance ? { labelledRows: performance.labelled } : {}),
    signals,
    drift,
    policies: [],
  };
  // the report's path goes into alerts: write it before acting, again with the policies' outcomes after
  const reportPath = await ctx.writeReport("monitor.txt", formatMonitorReport(base));
  const drifted = drift.filter((d) => d.drifted).map((d) => d.target);
  const states = new PolicyStates(ctx.metadata, ctx.artifacts, ctx.step.id);
  const summary = {
    monitor: monitor.name,
    deployment: monitor.deployment,
    model: model.name,
    version: production.version,
    runId: ctx.runId,
    at: base.at,
    drifted,
    signals,
    report: reportPath,
  };
  const policies: PolicyResult[] = [];
  for (const policy of monitor.policies) {
    // past the step's timeout no further action starts (the one under way finishes: none is cut in half)
    ctx.signal.throwIfAborted();
    const value = condition(policy.condition, signals, drift);
    policies.push(
      await applyPolicy({
        ctx,
        monitor,
        policy,
        value: typeof value === "boolean" ? value : value === null ? null : false,
        summary,
        states,
        now,
      }),
    );
  }
  const report: MonitorReport = { ...base, policies };
  await ctx.writeOutput("report", jsonBytes(report));
  await ctx.writeReport("monitor.json", jsonBytes(report));
  await ctx.writeReport("monitor.txt", formatMonitorReport(report));
  const html = driftReportHtml(report, histograms);
  await ctx.writeOutput("drift_report", html);
  const htmlPath = await ctx.writeReport("drift.html", html);
  for (const p of policies.filter((p) => p.triggered)) ctx.note(`${p.policy} → ${p.outcome}`);
  ctx.note(`report: ${reportPath}; drift report: ${htmlPath}`);
  const acted = policies.filter((p) => p.acted).length;
  return {
    metrics: { drift_share: signals.drift_share!, drifted: drifted.length, current_rows: current.dataset.rowCount, policies_fired: acted },
    summary: `${drifted.length} drifted${drifted.length ? ` (${drifted.join(", ")})` : ""}, ${count(acted, "policy", "policies")} acted`,
  };
}

/** The model's metrics as signals: every metric of its task, null when not measured. */
function metricSignals(model: ModelSpec, measured: Record<string, number | null>): Record<string, number | null> {
  const names = METRICS_BY_TASK[model.task] as readonly string[];
  return Object.fromEntries(names.map((n) => [n, measured[n] ?? null]));
}

/** A batch input's join key per row (`request_id` keys have no meaning for batch rows). */
function batchKeys(dataset: Dataset, key: NonNullable<MonitorSpec["labels"]>["key"]): Array<string | null> {
  if (key.kind !== "column" || !hasColumn(dataset, key.column)) return new Array<string | null>(dataset.rowCount).fill(null);
  const column = getColumn(dataset, key.column);
  return Array.from({ length: dataset.rowCount }, (_, i) => {
    const v = cellValue(column, i);
    return v === null ? null : String(v);
  });
}

async function referenceData(ctx: StepContext, monitor: MonitorSpec, lineage: Record<string, unknown>): Promise<Dataset> {
  if (monitor.reference.kind === "source") return read(ctx, sourceOf(ctx.plan, monitor.reference.source));
  const train = (lineage.artifacts as Record<string, string> | undefined)?.train;
  if (!train) throw new StepFailure(`the production version of ${monitor.model} records no training split to compare with`);
  return decodeDataset(await ctx.artifacts.get(train), "training split");
}

async function read(ctx: StepContext, source: SourceSpec): Promise<Dataset> {
  try {
    return (await readSource(source, ctx.projectRoot, { grants: ctx.grants, env: ctx.env })).dataset;
  } catch (error) {
    if (error instanceof DataError) throw new StepFailure(error.message);
    throw error;
  }
}

async function currentData(ctx: StepContext, monitor: MonitorSpec, source: SourceSpec, now: number): Promise<CurrentData> {
  const deployment = deploymentOf(ctx.plan, monitor.deployment);
  const path = requestLogPath(ctx.projectRoot, deployment.name);
  const entries = await readRequestLog(path, monitor.windowMs, now);
  if (entries && entries.length > 0) {
    // traffic carries the columns the model reads, not necessarily the target or ids: every column may be null
    const columns = source.columns.map((c) => ({ ...c, unique: false, type: { ...c.type, nullable: true } }));
    const sink = new RowSink({ columns, badRows: { policy: "drop", maxBadRows: entries.length } }, path);
    entries.forEach((e, i) =>
      sink.addValues(
        source.columns.map((c) => e.record?.[c.name] ?? null),
        i + 1,
      ),
    );
    const latencies = entries.flatMap((e) => (typeof e.latencyMs === "number" ? [e.latencyMs] : []));
    const percentiles = latencies.length > 0 ? latencyPercentiles(latencies) : null;
    return {
      dataset: sink.finish().dataset,
      entries,
      origin: `.mlops/requests/${deployment.name}.jsonl (${count(entries.length, "request")} in the window)`,
      signals: {
        latency_p50: percentiles?.p50 ?? null,
        latency_p95: percentiles?.p95 ?? null,
        latency_p99: percentiles?.p99 ?? null,
        error_rate: entries.filter((e) => e.error === true).length / entries.length,
        request_rate: entries.length / (monitor.windowMs / 1000),
      },
    };
  }
  if (deployment.target.kind === "batch") {
    const input = sourceOf(ctx.plan, deployment.target.input);
    const all = await read(ctx, input);
    const dataset = monitor.timestampColumn ? rowsInWindow(all, monitor.timestampColumn, monitor.windowMs, now) : all;
    const windowed = monitor.timestampColumn
      ? `, ${dataset.rowCount} of ${all.rowCount} rows with ${monitor.timestampColumn} in the window`
      : "";
    return {
      dataset,
      origin: `source ${input.name} (${input.path}${windowed})`,
      signals: { latency_p50: null, latency_p95: null, latency_p99: null, error_rate: null, request_rate: null },
    };
  }
  throw new StepFailure(`no traffic recorded for deployment ${deployment.name} in the last ${monitor.windowMs / 3_600_000}h (${path})`);
}

async function driftResults(
  monitor: MonitorSpec,
  target: string,
  reference: Dataset,
  current: Dataset,
  fitted: FittedFeatures,
  predictions: (d: Dataset) => Promise<DriftSample>,
  /** Filled with each target's reference-vs-current histogram, for the drift report. */
  histograms: Record<string, Histogram>,
): Promise<DriftResult[]> {
  const named = new Set(monitor.drift.filter((r) => r.targetKind === "column").map((r) => r.target));
  const rules: DriftRule[] = monitor.drift.flatMap((rule) =>
    rule.targetKind !== "all"
      ? [rule]
      : reference.columns
          .filter((c) => c.name !== target && !named.has(c.name) && hasColumn(current, c.name))
          .map((c) => ({ ...rule, target: c.name, targetKind: "column" as const })),
  );
  const results: DriftResult[] = [];
  for (const rule of rules) {
    const base = { target: rule.target, method: rule.method, threshold: rule.threshold, comparison: rule.comparison };
    try {
      const [ref, cur] =
        rule.targetKind === "prediction"
          ? [await predictions(reference), await predictions(current)]
          : rule.targetKind === "feature"
            ? [await featureSample(fitted, reference, rule.target), await featureSample(fitted, current, rule.target)]
            : [columnSample(reference, rule.target), columnSample(current, rule.target)];
      const result = evaluateDriftRule(rule, ref, cur);
      histograms[rule.target] = histogram(ref, cur);
      results.push({
        ...base,
        method: result.method,
        value: result.value,
        threshold: result.threshold,
        comparison: result.comparison,
        drifted: result.drifted,
      });
    } catch (error) {
      results.push({ ...base, value: null, drifted: false, error: (error as Error).message });
    }
  }
  return results;
}

function columnSample(dataset: Dataset, name: string): DriftSample {
  const column = getColumn(dataset, name);
  const n = dataset.rowCount;
  if (column.storage === "number")
    return { kind: "numeric", values: Float64Array.from({ length: n }, (_, i) => (column.nulls[i] === 1 ? NaN : column.values[i]!)) };
  if (column.storage === "bool")
    return { kind: "categorical", values: Array.from({ length: n }, (_, i) => (column.nulls[i] === 1 ? null : column.values[i] === 1)) };
  return {
    kind: "categorical",
    values: Array.from({ length: n }, (_, i) => (column.nulls[i] === 1 ? null : column.dictionary[column.codes[i]!]!)),
  };
}

async function featureSample(fitted: FittedFeatures, dataset: Dataset, feature: string): Promise<DriftSample> {
  const slot = fitted.inputs.find((s) => s.feature === feature);
  if (!slot) throw new Error(`feature ${feature} is not a model input`);
  if (slot.width !== 1) throw new Error(`feature ${feature} is a vector of ${slot.width}; name its source column instead`);
  const matrix = await featureMatrix(fitted, dataset);
  return { kind: "numeric", values: Float64Array.from({ length: matrix.rows }, (_, i) => matrix.data[i * matrix.width + slot.offset]!) };
}

function predictionSample(values: Float64Array, width: number): DriftSample {
  if (width === 1) return { kind: "numeric", values };
  const labels: number[] = [];
  for (let i = 0; i < values.length / width; i++) {
    let best = 0;
    for (let k = 1; k < width; k++) if (values[i * width + k]! > values[i * width + best]!) best = k;
    labels.push(best);
  }
  return { kind: "categorical", values: labels };
}

/** A policy condition: true, false, or null when a signal it reads was not measured. */
function condition(expr: PlanExpr, signals: Record<string, number | null>, drift: DriftResult[]): number | boolean | null {
  type Value = number | boolean | null;
  return evaluatePlanExpr<Value>(expr, {
    lit: (node) => (typeof node.value === "number" || typeof node.value === "boolean" ? node.value : null),
    ref: (node) => signals[node.name] ?? null,
    call(node) {
      const column = argNode(expr, node, 0);
      if (node.fn === "drifted" && column?.op === "ref") return drift.some((d) => d.target === column.name && d.drifted);
      return null;
    },
    evaluatedArgs: () => 0,
    unary: (node, v) => (v === null ? null : node.operator === "not" ? !v : -Number(v)),
    binary(node, a, b): Value {
      if (node.operator === "and") return a === false || b === false ? false : a === null || b === null ? null : Boolean(a) && Boolean(b);
      if (node.operator === "or") return a === true || b === true ? true : a === null || b === null ? null : Boolean(a) || Boolean(b);
      if (a === null || b === null) return null;
      const x = Number(a);
      const y = Number(b);
      switch (node.operator) {
        case "<":
          return x < y;
        case "<=":
          return x <= y;
        case ">":
          return x > y;
        case ">=":
          return x >= y;
        case "==":
          return x === y;
        case "!=":
          return x !== y;
        case "+":
          return x + y;
        case "-":
          return x - y;
        case "*":
          return x * y;
        case "/":
          return y === 0 ? null : x / y;
      }
    },
  });
}

export function formatMonitorReport(report: MonitorReport): string {
  const lines = [
    `Monitor ${report.monitor}: ${report.model} v${report.version} (deployment ${report.deployment})`,
    `  reference ${report.referenceRows} rows; current ${report.currentRows} rows from ${report.current}${report.labelledRows !== undefined ? `; ${report.labelledRows} labelled` : ""}`,
    "",
    "Drift:",
  ];
  for (const d of report.drift) {
    lines.push(
      `  ${d.drifted ? "DRIFT" : "ok   "}  ${d.target}: ${d.method} = ${d.value === null ? "n/a" : Number(d.value.toPrecision(4))} (drifts when ${d.comparison} ${d.threshold})${d.error ? ` — ${d.error}` : ""}`,
    );
  }
  lines.push("", "Signals:");
  for (const [name, value] of Object.entries(report.signals))
    lines.push(`  ${name} = ${value === null ? "not measured" : Number(value.toPrecision(4))}`);
  lines.push("", "Policies:");
  if (report.policies.length === 0 && report.drift.length > 0) lines.push("  (being applied)");
  for (const p of report.policies)
    lines.push(
      `  ${p.acted ? "ACTED    " : p.triggered ? "HELD BACK" : "quiet    "}  ${p.policy} => ${p.action}${p.outcome ? ` — ${p.outcome}` : ""}`,
    );
  return `${lines.join("\n")}\n`;
}
