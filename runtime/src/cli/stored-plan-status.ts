/** `mlops plan` against what is stored: a step whose effective key has a complete cache entry would be taken from the cache. */
import type { Plan, Step } from "@mlops/compiler";
import type { PlanComparison, PlanStepStatus } from "@mlops/compiler/cli";
import { effectiveKeys, type DataAccess } from "../executor/cache-keys.js";
import type { Stores } from "../store/open-stores.js";

/** Earlier runs looked at to tell a step that ran before (`re-run`) from one that never did (`new`). */
const RECENT_RUNS = 10;

export async function storedComparison(plan: Plan, projectRoot: string, stores: Stores, access: DataAccess): Promise<PlanComparison> {
  const { keys } = await effectiveKeys(plan, projectRoot, access);
  const ranBefore = new Set<string>();
  for (const run of await stores.metadata.listRuns({ limit: RECENT_RUNS })) {
    for (const step of (await stores.metadata.showRun(run.id))?.steps ?? []) ranBefore.add(step.stepId);
  }
  const status = new Map<string, PlanStepStatus>();
  for (const step of plan.steps) status.set(step.id, await stepStatus(step, keys.get(step.id) ?? step.cacheKey, stores, ranBefore));
  return {
    heading: "compared with what is stored (the cache of earlier runs, for the current data)",
    statusOf: (step) => status.get(step.id) ?? "new",
  };
}

async function stepStatus(step: Step, key: string, stores: Stores, ranBefore: Set<string>): Promise<PlanStepStatus> {
  if (!step.cacheable) return "always";
  const entry = await stores.metadata.getCacheEntry(key);
  const complete =
    entry !== null &&
    entry.stepId === step.id &&
    step.outputs.every((name) => entry.outputs[name] !== undefined) &&
    (await Promise.all(Object.values(entry.outputs).map((hash) => stores.artifacts.has(hash)))).every(Boolean);
  if (complete) return "cached";
  return ranBefore.has(step.id) ? "changed" : "new";
}
