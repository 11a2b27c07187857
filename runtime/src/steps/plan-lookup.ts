/** Declarations a step reads from the plan, with a clear error when the plan is inconsistent. */
import type { DeploymentSpec, GateSpec, ModelSpec, Plan, SourceSpec } from "@mlops/compiler";

function lookup<T>(record: Record<string, T>, name: string, what: string): T {
  const value = record[name];
  if (value === undefined) throw new Error(`the plan has no ${what} \`${name}\``);
  return value;
}

export const sourceOf = (plan: Plan, name: string): SourceSpec => lookup(plan.sources, name, "source");
export const modelOf = (plan: Plan, name: string): ModelSpec => lookup(plan.models, name, "model");
export const gateOf = (plan: Plan, name: string): GateSpec => lookup(plan.gates, name, "gate");
export const deploymentOf = (plan: Plan, name: string): DeploymentSpec => lookup(plan.deployments, name, "deployment");

export function gatesOfModel(plan: Plan, model: string): GateSpec[] {
  return Object.values(plan.gates)
    .filter((g) => g.model === model)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Key of a metric in the metrics record: `auc`, or `demographic_parity_difference(by=country)`. */
export function metricKey(metric: string, by?: string): string {
  return by ? `${metric}(by=${by})` : metric;
}
