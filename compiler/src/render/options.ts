import { POOL_NAME } from "../checker/execution-fields.js";
import { secretVariable } from "../plan/secret-variables.js";
import type { EnvValue, Plan, Schedule, Step } from "../plan/types.js";
import { planHash } from "./header.js";
import { sourceSecretEnv } from "./source-secrets.js";
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
  /**
   * Image holding the `mlops` CLI that step pods (Airflow tasks, Jobs, CronJobs) run. Default: the
   * image of the first kubernetes, kserve or docker deployment (by name), which runs `mlops serve`
   * and so is a runtime image; with none, rendering steps needs this option (`--image`).
   */
  runtimeImage?: string;
  /** Base image of the rendered Dockerfile (`--base-image`), e.g. pinned by digest. Default `node:22-bookworm-slim`. */
  baseImage?: string;
  /** Namespace of the pipeline-level pods (Airflow tasks, Jobs, CronJobs). Default: the namespace of the first kubernetes or kserve deployment (by name), else the pipeline's name. Never `default`. */
  namespace?: string;
  /**
   * Where the pods keep artifacts and metadata. `shared` (default): PostgreSQL + S3-compatible object
   * storage, their URLs and credentials from the Secret `storesSecret` — any number of nodes and
   * namespaces. `volume`: one PersistentVolumeClaim (`storeClaim`) with the embedded stores (files +
   * SQLite in rollback-journal mode) — a single node only.
   */
  stores?: "shared" | "volume";
  /** With shared stores: the Secret holding `MLOPS_DATABASE_URL`, `MLOPS_ARTIFACT_STORE` and the `AWS_*` settings. Default `<pipeline>-stores`. */
  storesSecret?: string;
  /** With `stores: "volume"`: the PersistentVolumeClaim with the stores, mounted at `/srv/mlops/.mlops`. Default `<pipeline>-store`. With shared stores: the claim holding batch deployments' file outputs (`<pipeline>-outputs` by default). It is referenced, not created. */
  storeClaim?: string;
  /** With shared stores: the ReadWriteMany claim servers write their request log to and monitors read it from. Default `<pipeline>-requests`. */
  requestLogClaim?: string;
  /**
   * TCP ports pods may open connections to beside the cluster DNS (their NetworkPolicies' egress):
   * the stores and the monitors' webhooks. Default `[443, 5432]`: S3-compatible object storage and
   * webhooks over HTTPS, and PostgreSQL; e.g. `[443, 5432, 9000]` for a MinIO on its own port.
   */
  egressPorts?: number[];
  /** Numeric uid (and gid) every container runs as. Default 10001. */
  uid?: number;
  /** Airflow major version the DAG files import for: 3 (`airflow.sdk`, default) or 2 (2.10+). */
  airflowVersion?: 2 | 3;
  /** Airflow DAG start_date, `YYYY-MM-DD` (UTC). Default `2024-01-01`. */
  startDate?: string;
  /** Airflow `catchup`: run the schedule intervals missed since `startDate` (a backfill). Default false. */
  catchup?: boolean;
  /** Airflow pool of every task whose step declares none (`queue.pool`). Default: Airflow's `default_pool`. */
  pool?: string;
  /** Airflow pool of the tasks that request a GPU (GPU slots are scarcer than task slots). Default: `pool`. */
  gpuPool?: string;
  /** Seconds Airflow waits for a task's pod to start (image pull included). Default 600: the runtime image is large. */
  startupTimeoutSeconds?: number;
  /** The Gateway (`NAME` or `NAMESPACE/NAME`) canary HTTPRoutes attach to. Default `mlops-gateway` in the route's namespace. */
  gateway?: string;
  /** The plan hash to print in headers; computed from the plan when absent. */
  planHash?: string;
}

export interface Settings {
  hash: string;
  /** Undefined when neither `runtimeImage` nor a deployment names one: rendering a step pod then fails with a clear message. */
  runtimeImage: string | undefined;
  namespace: string;
  stores: StoreSettings;
  uid: number;
  airflowVersion: 2 | 3;
  startDate: { year: number; month: number; day: number };
  catchup: boolean;
  pool: string | undefined;
  gpuPool: string | undefined;
  startupTimeoutSeconds: number;
  gateway: { name: string; namespace?: string };
  planConfigMap: string;
  egressPorts: number[];
}

export type StoreSettings =
  | { kind: "shared"; secret: string; outputClaim: string; requestLogClaim: string }
  | { kind: "volume"; claim: string };

/** Where things live inside every container the renderers describe. */
export const LAYOUT = {
  workdir: "/srv/mlops",
  planDir: "/plan",
  planPath: "/plan/plan.json",
  storeDir: "/srv/mlops/.mlops",
  imagePlanPath: "/srv/mlops/plan.json",
  /** Shared by the containers of an external trainer's step (an emptyDir). */
  exchangeDir: "/exchange",
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
    if (target.kind === "kubernetes" || target.kind === "kserve") return target.namespace;
  }
  return dnsLabel(plan.pipeline.name, 63);
}

/** The image of the first deployment (by name) that declares one: it runs `mlops serve`, so it has the CLI. */
export function declaredRuntimeImage(plan: Plan): string | undefined {
  for (const name of Object.keys(plan.deployments).sort()) {
    const target = plan.deployments[name]!.target;
    if (target.kind === "kubernetes" || target.kind === "kserve" || target.kind === "docker") return target.image;
  }
  return undefined;
}

/** The runtime image, or a RenderError saying how to name one. */
export function requireRuntimeImage(settings: Settings): string {
  if (settings.runtimeImage === undefined) {
    throw new RenderError(
      "no runtime image: no kubernetes, kserve or docker deployment declares an image, so name the image holding the mlops CLI with --image (a pinned tag or digest)",
    );
  }
  return settings.runtimeImage;
}

function parseGateway(text: string | undefined): Settings["gateway"] {
  if (text === undefined) return { name: "mlops-gateway" };
  const [first, second] = text.split("/");
  if (second === undefined) return { name: requireObjectName(first!, "option gateway") };
  return { namespace: requireNamespace(first!, "option gateway"), name: requireObjectName(second, "option gateway") };
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
  if (namespace === "default")
    throw new RenderError("option namespace: pick a namespace of the pipeline's own; `default` has no quotas or policies of its own");
  const uid = positiveInteger(options.uid ?? 10001, "uid");
  if (uid === 0) throw new RenderError("option uid must not be 0: containers run as non-root");
  const image = options.runtimeImage ?? declaredRuntimeImage(plan);
  return {
    hash: options.planHash ?? planHash(plan),
    runtimeImage: image === undefined ? undefined : requirePinnedImage(image, options.runtimeImage ? "option image" : "the runtime image"),
    namespace,
    stores: storeSettings(plan, options),
    uid,
    airflowVersion: options.airflowVersion ?? 3,
    startDate: parseDate(options.startDate ?? "2024-01-01"),
    catchup: options.catchup ?? false,
    pool: options.pool === undefined ? undefined : requirePoolName(options.pool, "option pool"),
    gpuPool: options.gpuPool === undefined ? undefined : requirePoolName(options.gpuPool, "option gpuPool"),
    startupTimeoutSeconds: positiveInteger(options.startupTimeoutSeconds ?? 600, "startupTimeoutSeconds"),
    gateway: parseGateway(options.gateway),
    planConfigMap: dnsLabel(`${plan.pipeline.name}-plan`, 63),
    egressPorts: egressPorts(options.egressPorts ?? [443, 5432]),
  };
}

function storeSettings(plan: Plan, options: RenderOptions): StoreSettings {
  const named = (value: string | undefined, suffix: string, what: string): string =>
    requireObjectName(value ?? dnsLabel(`${plan.pipeline.name}-${suffix}`, 63), what);
  if (options.stores === "volume") return { kind: "volume", claim: named(options.storeClaim, "store", "option storeClaim") };
  if (options.stores !== undefined && options.stores !== "shared")
    throw new RenderError(`option stores must be shared or volume, got ${JSON.stringify(options.stores)}`);
  return {
    kind: "shared",
    secret: named(options.storesSecret, "stores", "option storesSecret"),
    outputClaim: named(options.storeClaim, "outputs", "option storeClaim"),
    requestLogClaim: named(options.requestLogClaim, "requests", "option requestLogClaim"),
  };
}

function egressPorts(ports: number[]): number[] {
  if (ports.length === 0) throw new RenderError("option egressPorts must name at least one port");
  for (const port of ports)
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new RenderError(`option egressPorts: ${port} is not a TCP port (1-65535)`);
  return [...new Set(ports)];
}

function requirePoolName(name: string, where: string): string {
  if (!POOL_NAME.test(name)) throw new RenderError(`${where}: ${JSON.stringify(name)} is not an Airflow pool name ([A-Za-z0-9_.-])`);
  return name;
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

/**
 * The environment a step's container needs, and nothing more: an external trainer's `env`, a batch
 * deployment's `env_vars` for its scoring step, a monitor's the secret webhooks of the notifiers it
 * alerts (`MLOPS_SECRET_NAME_KEY`), the secrets of the `postgres` sources a step reads. A serving
 * deployment's `env_vars` belong to its server only: its `deploy` step moves a registry alias and its
 * monitor reads the request log, neither needs them.
 */
export function stepEnv(plan: Plan, step: Step): Record<string, EnvValue> {
  return { ...declaredStepEnv(plan, step), ...sourceSecretEnv(plan, step) };
}

function declaredStepEnv(plan: Plan, step: Step): Record<string, EnvValue> {
  const { kind, name } = step.subject;
  if (step.kind === "batch_predict" && kind === "deployment") return plan.deployments[name]?.envVars ?? {};
  if (step.kind === "monitor") return notifierSecrets(plan, name);
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

/** The secret webhooks of the notifiers a monitor's policies alert, by the variable the runtime reads. */
function notifierSecrets(plan: Plan, monitor: string): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  for (const policy of plan.monitors[monitor]?.policies ?? []) {
    if (policy.action.kind !== "alert" || !("notifier" in policy.action)) continue;
    const webhook = plan.notifiers?.[policy.action.notifier]?.webhook;
    if (webhook?.kind === "secret") env[secretVariable(webhook.name, webhook.key)] = webhook;
  }
  return env;
}
