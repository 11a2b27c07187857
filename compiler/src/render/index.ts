import type { Plan } from "../plan/types.js";
import { renderAirflowFiles } from "./airflow.js";
import { renderDockerFiles } from "./docker.js";
import { renderKubernetesFiles, type KubernetesPlans } from "./kubernetes.js";
import type { RenderOptions } from "./options.js";
import type { RenderedFile } from "./rendered-file.js";

export type { RenderedFile } from "./rendered-file.js";
export type { RenderOptions } from "./options.js";
export type { KubernetesPlans } from "./kubernetes.js";
export { RenderError } from "./names.js";
export { planHash as renderedPlanHash } from "./header.js";
export { pythonString, shellWord, dockerExecForm, neutralizeJinja, kubeletLiteral, composeLiteral, jsonString } from "./escape.js";

/** Airflow DAG files (`dags/*.py`) and the plan ConfigMap their tasks mount. */
export function renderAirflow(plan: Plan, options: RenderOptions = {}): RenderedFile[] {
  return renderAirflowFiles(plan, options);
}

/** Kustomize `base/` from `plans.base` and `overlays/<env>/` for each plan in `plans.envs`, plus a README. */
export function renderKubernetes(plans: KubernetesPlans, options: RenderOptions = {}): RenderedFile[] {
  return renderKubernetesFiles(plans, options);
}

/** Dockerfile, .dockerignore, healthcheck script, compose file, plan.json and secret env templates. */
export function renderDocker(plan: Plan, options: RenderOptions = {}): RenderedFile[] {
  return renderDockerFiles(plan, options);
}
