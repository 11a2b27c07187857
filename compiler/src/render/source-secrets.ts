/**
 * The `secret(...)` references a step needs at run time: a `postgres` source's connection, for the
 * steps that read that source. Each becomes `MLOPS_SECRET_<NAME>_<KEY>` from the Secret `NAME`, key
 * `KEY` — the variable the runtime reads (`plan/secret-variable.ts`).
 */
import { secretVariable } from "../plan/secret-variables.js";
import type { EnvValue, Plan, Step } from "../plan/types.js";
import { requireSecretRef } from "./names.js";

/** A batch deployment's scoring input; a serving deployment has none (its monitors read the request log). */
export function batchInput(plan: Plan, deployment: string): string | undefined {
  const target = plan.deployments[deployment]?.target;
  return target?.kind === "batch" ? target.input : undefined;
}

/** The secret variables of the sources `step` reads. */
export function sourceSecretEnv(plan: Plan, step: Step): Record<string, EnvValue> {
  const sources = new Set<string>();
  if (step.kind === "ingest") sources.add(step.subject.name);
  const input = step.kind === "batch_predict" ? batchInput(plan, step.subject.name) : undefined;
  if (input !== undefined) sources.add(input);
  const monitor = step.kind === "monitor" ? plan.monitors[step.subject.name] : undefined;
  if (monitor) {
    if (monitor.reference.kind === "source") sources.add(monitor.reference.source);
    const current = batchInput(plan, monitor.deployment);
    if (current !== undefined) sources.add(current);
  }
  const env: Record<string, EnvValue> = {};
  for (const name of [...sources].sort()) {
    for (const value of Object.values(plan.sources[name]?.connection ?? {})) {
      if (value.kind !== "secret") continue;
      requireSecretRef(value.name, value.key, `source ${JSON.stringify(name)}`);
      env[secretVariable(value.name, value.key)] = value;
    }
  }
  return env;
}
