/**
 * Each step's `execution`: built-in defaults, overridden by the pipeline's
 * `resources`/`retries`/`retry_delay`/`timeout`/`placement`/`queue`, and for a
 * model's `train` and `search` steps (the ones that train) by the model's, key by key.
 */
import type { ConstValue, ResolvedField, SemanticModel } from "../program/semantic-model.js";
import type { Step, StepExecution, Toleration } from "./types.js";

/** What a step gets when nothing is declared: 1 CPU, 2Gi, no GPU, 2 retries 5 minutes apart, 2 hours. */
export const DEFAULT_EXECUTION: StepExecution = {
  cpuMillis: 1000,
  memoryBytes: 2 * 1024 ** 3,
  gpu: 0,
  retries: 2,
  retryDelayMs: 300_000,
  timeoutMs: 7_200_000,
  nodeSelector: {},
  tolerations: [],
};

type Fields = Record<string, ResolvedField>;

function record(value: ConstValue | undefined): Record<string, ConstValue> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value.kind === "record" ? value.fields : undefined;
}

function numberOr(value: ConstValue | undefined, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

const OPERATORS: Record<string, Toleration["operator"]> = { equal: "Equal", exists: "Exists" };
const EFFECTS: Record<string, NonNullable<Toleration["effect"]>> = {
  no_schedule: "NoSchedule",
  prefer_no_schedule: "PreferNoSchedule",
  no_execute: "NoExecute",
};

function toleration(value: ConstValue): Toleration | undefined {
  const fields = record(value);
  if (!fields) return undefined;
  const operator = OPERATORS[String(fields.operator ?? "equal")] ?? "Equal";
  const effect = typeof fields.effect === "string" ? EFFECTS[fields.effect] : undefined;
  return {
    ...(typeof fields.key === "string" ? { key: fields.key } : {}),
    operator,
    ...(typeof fields.value === "string" && operator === "Equal" ? { value: fields.value } : {}),
    ...(effect ? { effect } : {}),
  };
}

/** `base` with the execution fields of one declaration laid over it. */
export function overlayExecution(base: StepExecution, fields: Fields): StepExecution {
  const resources = record(fields.resources?.value) ?? {};
  const placement = record(fields.placement?.value) ?? {};
  const selector = record(placement.node_selector);
  const tolerations = Array.isArray(placement.tolerations) ? placement.tolerations : undefined;
  const nodeSelector = selector
    ? Object.fromEntries(
        Object.entries({ ...base.nodeSelector, ...selector })
          .filter((entry): entry is [string, string] => typeof entry[1] === "string")
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      )
    : base.nodeSelector;
  return {
    cpuMillis: numberOr(resources.cpu, base.cpuMillis),
    memoryBytes: numberOr(resources.memory, base.memoryBytes),
    gpu: numberOr(resources.gpu, base.gpu),
    retries: numberOr(fields.retries?.value, base.retries),
    retryDelayMs: numberOr(fields.retry_delay?.value, base.retryDelayMs),
    timeoutMs: numberOr(fields.timeout?.value, base.timeoutMs),
    nodeSelector,
    tolerations: tolerations ? tolerations.flatMap((t) => toleration(t) ?? []) : base.tolerations,
    ...queue(base, record(fields.queue?.value) ?? {}),
  };
}

/** The queue fields present in `base` or declared in `queue`, the declared ones winning. */
function queue(base: StepExecution, declared: Record<string, ConstValue>): Partial<StepExecution> {
  const pool = typeof declared.pool === "string" ? declared.pool : base.pool;
  const poolSlots = typeof declared.pool_slots === "number" ? declared.pool_slots : base.poolSlots;
  const priorityWeight = typeof declared.priority === "number" ? declared.priority : base.priorityWeight;
  const priorityClass = typeof declared.priority_class === "string" ? declared.priority_class : base.priorityClass;
  return {
    ...(pool !== undefined ? { pool } : {}),
    ...(poolSlots !== undefined ? { poolSlots } : {}),
    ...(priorityWeight !== undefined ? { priorityWeight } : {}),
    ...(priorityClass !== undefined ? { priorityClass } : {}),
  };
}

/** The function that gives each step its execution, for this program. */
export function stepExecutions(model: SemanticModel): (step: Pick<Step, "kind" | "subject">) => StepExecution {
  const defaults = overlayExecution(DEFAULT_EXECUTION, model.pipeline?.fields ?? {});
  const trainers = new Map(Object.values(model.models).map((m) => [m.name, overlayExecution(defaults, m.fields)]));
  return (step) => (step.kind === "train" || step.kind === "search" ? (trainers.get(step.subject.name) ?? defaults) : defaults);
}
