import { kubeletExpand } from "./fixtures.js";
import type { Plan } from "../../../compiler/src/plan/types.js";
import type { Recorded } from "./python.js";

export type Graph = Map<string, { steps: string[]; edges: string[] }>;

/** The plan's DAG per step group, restricted to needs inside the group. */
export function planGraph(plan: Plan): Graph {
  const groups: Graph = new Map();
  for (const step of plan.steps) {
    const group = groups.get(step.group) ?? { steps: [], edges: [] };
    group.steps.push(step.id);
    groups.set(step.group, group);
  }
  for (const step of plan.steps) {
    const group = groups.get(step.group)!;
    for (const need of step.needs) if (group.steps.includes(need)) group.edges.push(`${need} -> ${step.id}`);
  }
  for (const group of groups.values()) {
    group.steps.sort();
    group.edges.sort();
  }
  return groups;
}

/** The step a recorded task runs (its `--step` argument, as Airflow renders it). */
export function taskStep(kwargs: Record<string, unknown>): string {
  const args = (kwargs.arguments as string[]).map(kubeletExpand);
  if (args.slice(0, 6).join(" ") !== "run-step --plan /plan/plan.json --root /srv/mlops --step" || args[7] !== "--run-id") {
    throw new Error(`unexpected arguments ${JSON.stringify(args)}`);
  }
  return args[6]!;
}

/** The graph the stub recorded, per group (the group of the first step of each DAG). */
export function recordedGraph(plan: Plan, dags: Recorded[]): Graph {
  const graph: Graph = new Map();
  for (const dag of dags) {
    const steps = new Map(Object.entries(dag.tasks).map(([taskId, kwargs]) => [taskId, taskStep(kwargs)]));
    const first = plan.steps.find((s) => s.id === [...steps.values()][0]);
    if (!first) throw new Error("a DAG runs a step the plan does not have");
    graph.set(first.group, {
      steps: [...steps.values()].sort(),
      edges: dag.edges.map(([from, to]) => `${steps.get(from)} -> ${steps.get(to)}`).sort(),
    });
  }
  return graph;
}
