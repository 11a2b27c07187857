import type { Plan } from "../plan/types.js";
import { type KubeObject, serviceAccount, podEgress } from "./k8s-common.js";
import { stepGroupObject, stepsNetworkPolicy, stepsServiceAccount } from "./k8s-steps.js";
import { servingObjects } from "./k8s-serving.js";
import { inferenceServiceObjects } from "./kserve.js";
import { type Settings, stepGroups } from "./options.js";

export type { KubeObject } from "./k8s-common.js";
export { cronOf } from "./k8s-steps.js";
export { canaryWeights } from "./k8s-serving.js";

/**
 * Every Kubernetes object for one plan, in a stable order (the plan itself is not among them: it
 * goes into a content-hashed ConfigMap made by kustomize's configMapGenerator in every namespace
 * returned by `planNamespaces`).
 */
export function kubernetesObjects(plan: Plan, settings: Settings): KubeObject[] {
  const serving: KubeObject[] = [];
  for (const name of Object.keys(plan.deployments).sort()) {
    const deployment = plan.deployments[name]!;
    const target = deployment.target;
    if (target.kind === "kubernetes") serving.push(...servingObjects(plan, settings, deployment, target));
    if (target.kind === "kserve") serving.push(...inferenceServiceObjects(plan, settings, deployment, target));
  }
  const steps: KubeObject[] = [];
  const groups = stepGroups(plan);
  if (groups.length > 0) {
    steps.push(serviceAccount(plan, stepsServiceAccount(plan), settings.namespace, "step"));
    steps.push(stepsNetworkPolicy(plan, settings, podEgress(settings)));
  }
  for (const group of groups) steps.push(stepGroupObject(plan, settings, group));
  return [...steps, ...serving];
}

/** Namespaces whose pods mount the plan. */
export function planNamespaces(settings: Settings, objects: KubeObject[]): string[] {
  return [...new Set([settings.namespace, ...objects.map((o) => o.metadata.namespace)])].sort();
}
