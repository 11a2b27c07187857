/** The metrics `mlops runs show` prints per step: every metric a gate of the run judged first, then others up to a few. */
import type { ArtifactStore } from "../store/artifact-store.js";
import type { RunDetails } from "../store/metadata-store.js";
import type { GateVerdict } from "../steps/gate.js";

/** Metrics besides the gate's shown per step before "+N more". */
const OTHERS_SHOWN = 4;

export async function metricsShownPerStep(details: RunDetails, artifacts: ArtifactStore): Promise<Map<string, string[]>> {
  const judged = await gateMetricsByModel(details, artifacts);
  const byStep = new Map<string, Array<{ name: string; value: number | null }>>();
  for (const m of details.metrics) byStep.set(m.stepId, [...(byStep.get(m.stepId) ?? []), m]);
  const shown = new Map<string, string[]>();
  for (const [stepId, metrics] of byStep) {
    const first = stepId.startsWith("evaluate.") ? (judged.get(stepId.slice("evaluate.".length)) ?? new Set<string>()) : new Set<string>();
    const gated = metrics.filter((m) => first.has(m.name));
    const others = metrics.filter((m) => !first.has(m.name));
    const listed = [...gated, ...others.slice(0, OTHERS_SHOWN)].map(
      (m) => `${m.name} ${m.value === null ? "n/a" : Number(m.value.toPrecision(4))}`,
    );
    if (others.length > OTHERS_SHOWN) listed.push(`+${others.length - OTHERS_SHOWN} more (--json)`);
    shown.set(stepId, listed);
  }
  return shown;
}

/** Model name → the metric names its gates' rules read in this run (from the stored verdicts). */
async function gateMetricsByModel(details: RunDetails, artifacts: ArtifactStore): Promise<Map<string, Set<string>>> {
  const judged = new Map<string, Set<string>>();
  for (const step of details.steps) {
    const hash = step.stepId.startsWith("gate.") ? step.outputs[`${step.stepId}/verdict`] : undefined;
    if (!hash) continue;
    const verdict = await artifacts.getJson<GateVerdict>(hash).catch(() => undefined);
    if (!verdict) continue;
    const names = judged.get(verdict.model) ?? new Set<string>();
    for (const rule of verdict.rules) names.add(rule.metric);
    judged.set(verdict.model, names);
  }
  return judged;
}
