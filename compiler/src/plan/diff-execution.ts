/**
 * The plan diff's `execution` section: how each step runs on an orchestrator (resources, retries,
 * timeout, placement, queue). None of it changes a cache key, so without this section a review
 * would not see that a step now asks for a GPU or lost its retries.
 */
import { canonicalJson } from "../util/canonical-json.js";
import { keysOf } from "./diff-support.js";
import type { Plan, StepExecution } from "./types.js";

export interface ExecutionChange {
  step: string;
  /** A key of the step's plan `execution` (`memoryBytes`, `retries`, `pool`...). */
  field: string;
  before?: string;
  after?: string;
}

function fields(execution: StepExecution): Record<string, string> {
  return Object.fromEntries(
    Object.entries(execution).map(([key, value]) => [key, typeof value === "object" ? canonicalJson(value) : String(value)]),
  );
}

/** Changes of the steps both plans have (a step added or removed is in the `steps` section). */
export function diffExecution(before: Plan, after: Plan): ExecutionChange[] {
  const was = new Map(before.steps.map((s) => [s.id, s.execution]));
  const changes: ExecutionChange[] = [];
  for (const step of after.steps) {
    const previous = was.get(step.id);
    if (!previous) continue;
    const fa = fields(previous);
    const fb = fields(step.execution);
    for (const field of keysOf(fa, fb)) {
      if (fa[field] === fb[field]) continue;
      changes.push({
        step: step.id,
        field,
        ...(fa[field] !== undefined && { before: fa[field] }),
        ...(fb[field] !== undefined && { after: fb[field] }),
      });
    }
  }
  return changes;
}

/** One line per distinct change, naming the steps it applies to (a pipeline default changes many at once). */
export function groupExecutionChanges(
  changes: ExecutionChange[],
): Array<{ field: string; before?: string; after?: string; steps: string[] }> {
  const groups = new Map<string, { field: string; before?: string; after?: string; steps: string[] }>();
  for (const change of changes) {
    const key = canonicalJson([change.field, change.before ?? null, change.after ?? null]);
    const group = groups.get(key) ?? {
      field: change.field,
      ...(change.before !== undefined && { before: change.before }),
      ...(change.after !== undefined && { after: change.after }),
      steps: [],
    };
    group.steps.push(change.step);
    groups.set(key, group);
  }
  return [...groups.values()];
}
