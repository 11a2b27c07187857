/**
 * One run as the report and the UI show it, read from the stores: the run record and its
 * context, per model its metrics (the gate's first), hyperparameters, coefficients, curves and
 * search candidates (step details in the metadata store), and the gate verdicts, data reports and
 * monitor reports (artifacts the steps wrote, found through their recorded outputs).
 */
import { METRICS } from "@mlops/compiler/core";
import type { DataReport } from "../data/expectations.js";
import type { EvaluationCurves } from "../evaluate/curves.js";
import type { SearchResult } from "../search/run-search.js";
import type { GateVerdict } from "../steps/gate.js";
import type { MonitorReport } from "../steps/monitor.js";
import type { ArtifactStore } from "../store/artifact-store.js";
import type { MetadataStore, RunDetails, StepRecord } from "../store/metadata-store.js";

export interface Coefficients {
  /** One name per model input (`amount_z`, `category=grocery`). */
  inputs: string[];
  /** One name per output column (`fraud` for a binary model, each class for softmax, `prediction`). */
  outputs: string[];
  /** [input][output], in the model's input units. */
  weights: number[][];
  intercepts: number[];
}

export interface FitSummary {
  solver: string;
  iterations: number;
  loss: number;
  converged: boolean;
  rows: number;
}

export interface ModelRunView {
  name: string;
  task: string | null;
  /** Every metric of the evaluation: the gate's first, then the task's in the metric table's order. */
  metrics: Array<{ name: string; value: number | null; gated: boolean }>;
  hyperparameters: Record<string, unknown> | null;
  fit: FitSummary | null;
  coefficients: Coefficients | null;
  curves: EvaluationCurves | null;
  search: SearchResult | null;
}

export interface RunView {
  run: RunDetails;
  durationMs: number | null;
  models: ModelRunView[];
  gates: Array<{ stepId: string; verdict: GateVerdict }>;
  dataReports: Array<{ stepId: string; report: DataReport }>;
  monitorReports: Array<{ stepId: string; report: MonitorReport }>;
}

export async function loadRunView(stores: { metadata: MetadataStore; artifacts: ArtifactStore }, runId: string): Promise<RunView | null> {
  const run = await stores.metadata.showRun(runId);
  if (!run) return null;
  const gates = await outputsOf<GateVerdict>(stores.artifacts, run.steps, "gate.", "verdict");
  const dataReports = await outputsOf<DataReport>(stores.artifacts, run.steps, "validate.", "report");
  const monitorReports = await outputsOf<MonitorReport>(stores.artifacts, run.steps, "monitor.", "report");
  const names = [
    ...new Set(run.steps.filter((s) => /^(train|evaluate|search)\./.test(s.stepId)).map((s) => s.stepId.split(".").slice(1).join("."))),
  ];
  const models = names.map((name) =>
    modelView(
      run,
      name,
      gates.filter((g) => g.verdict.model === name).map((g) => g.verdict),
    ),
  );
  return {
    run,
    durationMs: run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null,
    models,
    gates: gates.map(({ stepId, verdict }) => ({ stepId, verdict })),
    dataReports: dataReports.map(({ stepId, verdict }) => ({ stepId, report: verdict })),
    monitorReports: monitorReports.map(({ stepId, verdict }) => ({ stepId, report: verdict })),
  };
}

function detail<T>(run: RunDetails, stepId: string, name: string): T | null {
  return (run.details.find((d) => d.stepId === stepId && d.name === name)?.value as T | undefined) ?? null;
}

function modelView(run: RunDetails, name: string, verdicts: GateVerdict[]): ModelRunView {
  const gated = new Set(verdicts.flatMap((v) => v.rules.map((r) => r.metric)));
  const evaluated = run.metrics.filter((m) => m.stepId === `evaluate.${name}`);
  const curves = detail<EvaluationCurves>(run, `evaluate.${name}`, "curves");
  return {
    name,
    task: run.context?.models[name]?.task ?? curves?.task ?? null,
    metrics: orderMetrics(
      evaluated.map((m) => ({ name: m.name, value: m.value })),
      gated,
    ),
    hyperparameters: detail(run, `train.${name}`, "hyperparameters"),
    fit: detail(run, `train.${name}`, "fit"),
    coefficients: detail(run, `train.${name}`, "coefficients"),
    curves,
    search: detail(run, `search.${name}`, "search"),
  };
}

/** The gate's metrics first (in rule order), then the metric table's order, fairness and unknown ones last. */
export function orderMetrics(
  metrics: Array<{ name: string; value: number | null }>,
  gated: ReadonlySet<string>,
): Array<{ name: string; value: number | null; gated: boolean }> {
  const table = Object.keys(METRICS);
  const rank = (name: string): number => {
    const gate = [...gated].indexOf(name);
    if (gate >= 0) return gate;
    const base = name.replace(/\(.*$/, "");
    const at = table.indexOf(base);
    return 1000 + (at < 0 ? table.length : at) + (name.includes("(") ? 100 : 0);
  };
  return [...metrics]
    .sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((m) => ({ ...m, gated: gated.has(m.name) }));
}

/** The JSON output `NAME` of every step whose id starts with `prefix` (skipped when missing or unreadable). */
async function outputsOf<T>(
  artifacts: ArtifactStore,
  steps: StepRecord[],
  prefix: string,
  name: string,
): Promise<Array<{ stepId: string; verdict: T }>> {
  const out: Array<{ stepId: string; verdict: T }> = [];
  for (const step of steps) {
    if (!step.stepId.startsWith(prefix)) continue;
    const hash = step.outputs[`${step.stepId}/${name}`];
    if (!hash) continue;
    try {
      out.push({ stepId: step.stepId, verdict: await artifacts.getJson<T>(hash) });
    } catch {
      // an artifact removed or damaged since the run: the report shows what it can
    }
  }
  return out;
}
