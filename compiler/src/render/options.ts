import type { EnvValue, Plan, Schedule, Step } from "../plan/types.js";
import { planHash } from "./header.js";
import {
  dnsLabel,
  RenderError,
  requireEnvName,
  requireNamespace,
  requireObjectName,
  requirePinnedImage,
  requireSecretRef,
} from "./names.js";

export interface RenderOptions {
  /** Image holding the `mlops` CLI that Airflow tasks, the training Job and CronJobs run. Default `mlops/runtime:<plan compiler version>`. */
  runtimeImage?: string;
  /** Namespace of the pipeline-level pods (Airflow tasks, Job, CronJobs). Default: the namespace of the first kubernetes deployment (by name), else `default`. */
  namespace?: string;
  /** PersistentVolumeClaim with the artifact and metadata stores, mounted at `/srv/mlops/.mlops`. Default `<pipeline>-store`. It is referenced, not created. */
  storeClaim?: string;
  /** Numeric uid (and gid) every container runs as. Default 10001. */
  uid?: number;
  /** Airflow major version the DAG files import for: 3 (`airflow.sdk`, default) or 2 (2.8+). */
  airflowVersion?: 2 | 3;
  /** Retries of a step (Airflow task retries, Job backoffLimit). Default 2. */
  retries?: number;
  /** Delay between retries of an Airflow task. Default 5 minutes. */
  retryDelayMs?: number;
  /** Time limit of one step run (Airflow execution_timeout, Job activeDeadlineSeconds). Default 2 hours. */
  executionTimeoutMs?: number;
  /** Requests (= limits) of the step pods. Default 1 cpu, 2Gi. */
  stepResources?: { cpuMillis: number; memoryBytes: number };
  /** Airflow DAG start_date, `YYYY-MM-DD` (UTC). Default `2024-01-01`. */
  startDate?: string;
  /** The plan hash to print in headers; computed from the plan when absent. */
  planHash?: string;
}

export interface Settings {
  hash: string;
  runtimeImage: string;
  namespace: string;
  storeClaim: string;
  uid: number;
  airflowVersion: 2 | 3;
  retries: number;
  retryDelayMs: number;
  executionTimeoutMs: number;
  stepResources: { cpuMillis: number; memoryBytes: number };
  startDate: { year: number; month: number; day: number };
  planConfigMap: string;
}

/** Where things live inside every container the renderers describe. */
export const LAYOUT = {
  workdir: "/srv/mlops",
  planDir: "/plan",
  planPath: "/plan/plan.json",
  storeDir: "/srv/mlops/.mlops",
  imagePlanPath: "/srv/mlops/plan.json",
} as const;

function positiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RenderError(`option ${what} must be a non-negative integer, got ${value}`);
  return value;
}

function parseDate(text: string): Settings["startDate"] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RenderError(`option startDate must be YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

export function defaultNamespace(plan: Plan): string {
  for (const name of Object.keys(plan.deployments).sort()) {
    const target = plan.deployments[name]!.target;
    if (target.kind === "kubernetes") return target.namespace;
  }
  return "default";
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws at the first string that is not well-formed Unicode: no UTF-8 file (YAML, Python, a Dockerfile) can hold it. */
export function requireWellFormed(value: unknown, path = ""): void {
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value))
      throw new RenderError(`plan${path}: ${JSON.stringify(value)} is not well-formed Unicode (a lone surrogate)`);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => requireWellFormed(item, `${path}[${index}]`));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      requireWellFormed(key, path);
      requireWellFormed(item, `${path}.${key}`);
    }
  }
}

export function resolveSettings(plan: Plan, options: RenderOptions = {}): Settings {
  requireWellFormed(plan);
  const namespace = requireNamespace(options.namespace ?? defaultNamespace(plan), "option namespace");
  const uid = positiveInteger(options.uid ?? 10001, "uid");
  if (uid === 0) throw new RenderError("option uid must not be 0: containers run as non-root");
  return {
    hash: options.planHash ?? planHash(plan),
    runtimeImage: requirePinnedImage(options.runtimeImage ?? `mlops/runtime:${plan.compiler.version}`, "option runtimeImage"),
    namespace,
    storeClaim: requireObjectName(options.storeClaim ?? dnsLabel(`${plan.pipeline.name}-store`, 63), "option storeClaim"),
    uid,
    airflowVersion: options.airflowVersion ?? 3,
    retries: positiveInteger(options.retries ?? 2, "retries"),
    retryDelayMs: positiveInteger(options.retryDelayMs ?? 300_000, "retryDelayMs"),
    executionTimeoutMs: positiveInteger(options.executionTimeoutMs ?? 7_200_000, "executionTimeoutMs"),
    stepResources: options.stepResources ?? { cpuMillis: 1000, memoryBytes: 2 * 1024 ** 3 },
    startDate: parseDate(options.startDate ?? "2024-01-01"),
    planConfigMap: dnsLabel(`${plan.pipeline.name}-plan`, 63),
  };
}

/** Kubernetes quantity for millicores (`500m`, `2`). */
export function cpuQuantity(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Kubernetes quantity for bytes, in the largest binary unit that divides it. */
export function memoryQuantity(bytes: number): string {
  for (const [unit, size] of [
    ["Ti", 1024 ** 4],
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** The groups of steps, each run on its own schedule: `pipeline`, `monitor.NAME`, `batch.NAME`. */
export interface StepGroup {
  group: string;
  /** The monitor or batch deployment named by the group, or null for `pipeline`. */
  subject: string | null;
  schedule: Schedule | null;
  steps: Step[];
}

export function stepGroups(plan: Plan): StepGroup[] {
  const byGroup = new Map<string, Step[]>();
  for (const step of plan.steps) {
    const list = byGroup.get(step.group) ?? [];
    list.push(step);
    byGroup.set(step.group, list);
  }
  const groups: StepGroup[] = [];
  for (const [group, steps] of byGroup) {
    if (group === "pipeline") groups.push({ group, subject: null, schedule: plan.pipeline.schedule ?? null, steps });
    else if (group.startsWith("monitor.")) {
      const name = group.slice("monitor.".length);
      const monitor = plan.monitors[name];
      if (!monitor) throw new RenderError(`step group ${JSON.stringify(group)} names no monitor of the plan`);
      groups.push({ group, subject: name, schedule: monitor.schedule, steps });
    } else if (group.startsWith("batch.")) {
      const name = group.slice("batch.".length);
      const target = plan.deployments[name]?.target;
      if (target?.kind !== "batch") throw new RenderError(`step group ${JSON.stringify(group)} names no batch deployment of the plan`);
      groups.push({ group, subject: name, schedule: target.schedule, steps });
    } else throw new RenderError(`unknown step group ${JSON.stringify(group)}`);
  }
  const rank = (g: StepGroup): number => (g.group === "pipeline" ? 0 : 1);
  return groups.sort((a, b) => rank(a) - rank(b) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

/** The environment a step's container needs: its deployment's `env_vars`, or an external trainer's `env`. */
export function stepEnv(plan: Plan, step: Step): Record<string, EnvValue> {
  const { kind, name } = step.subject;
  if (kind === "deployment") return plan.deployments[name]?.envVars ?? {};
  if (kind === "monitor") {
    const deployment = plan.monitors[name]?.deployment;
    return deployment === undefined ? {} : (plan.deployments[deployment]?.envVars ?? {});
  }
  if (kind === "model" && step.kind === "train") {
    const trainer = plan.models[name]?.trainer;
    return trainer?.kind === "external" ? trainer.env : {};
  }
  return {};
}

/** The union of the env of several steps, sorted by name; the same name with two values is an error. */
export function groupEnv(plan: Plan, steps: Step[]): Array<[string, EnvValue]> {
  const merged = new Map<string, EnvValue>();
  for (const step of steps) {
    for (const [name, value] of Object.entries(stepEnv(plan, step))) {
      const seen = merged.get(name);
      if (seen && JSON.stringify(seen) !== JSON.stringify(value)) {
        throw new RenderError(`step ${JSON.stringify(step.id)}: environment variable ${name} has two different values in one group`);
      }
      merged.set(name, value);
    }
  }
  return sortedEnv(Object.fromEntries(merged), "step group");
}

/** Env entries sorted by name, with names and secret references checked. */
export function sortedEnv(env: Record<string, EnvValue>, where: string): Array<[string, EnvValue]> {
  const entries = Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of entries) {
    requireEnvName(name, where);
    if (value.kind === "secret") requireSecretRef(value.name, value.key, `${where}: ${name}`);
  }
  return entries;
}
