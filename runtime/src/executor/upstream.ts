import type { Plan } from "@mlops/compiler";

/** The ids given and the ids of every step they need, transitively. */
export function withUpstream(plan: Plan, ids: Iterable<string>): Set<string> {
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  const wanted = new Set(ids);
  const queue = [...wanted];
  while (queue.length > 0)
    for (const need of byId.get(queue.pop()!)?.needs ?? [])
      if (!wanted.has(need)) {
        wanted.add(need);
        queue.push(need);
      }
  return wanted;
}
