/**
 * The step pods: the training pipeline (a CronJob on the pipeline's schedule, else a Job), and a
 * CronJob for each monitor and batch deployment. Each step is a container, in the plan's order:
 * init containers run one after another, the last step is the pod's main container. A failed step
 * is restarted in place (`restartPolicy: OnFailure`) and steps already done are cache hits.
 */
import type { Plan, Schedule, Step, Toleration } from "../plan/types.js";
import { kubeletLiteral } from "./escape.js";
import {
  containerSecurityContext,
  envVar,
  type Json,
  type KubeObject,
  annotations,
  labels,
  podSecurityContext,
  resources,
  STEP_ROLE,
  storageEnvVar,
  storageMount,
  storageVolume,
} from "./k8s-common.js";
import { dnsLabel, RenderError } from "./names.js";
import { LAYOUT, type Settings, type StepGroup } from "./options.js";
import { type PodStorage, stepStorage } from "./pod-storage.js";
import { RUN_ID, type Arg, type StepContainer, stepContainers, writableDirs } from "./step-containers.js";

/** History and deadline of every CronJob: a missed run may start up to 5 minutes late, never two at once. */
export const CRON_POLICY = {
  concurrencyPolicy: "Forbid",
  startingDeadlineSeconds: 300,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
} as const;

/** A cron expression for a schedule; `every` must divide an hour, a day or a week evenly. */
export function cronOf(schedule: Schedule, where: string): string {
  if (schedule.kind === "cron") return schedule.expression;
  const minutes = schedule.intervalMs / 60_000;
  if (Number.isInteger(minutes) && minutes >= 1) {
    if (minutes < 60 && 60 % minutes === 0) return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
    const hours = minutes / 60;
    if (Number.isInteger(hours) && hours < 24 && 24 % hours === 0) return hours === 1 ? "0 * * * *" : `0 */${hours} * * *`;
    if (hours === 24) return "0 0 * * *";
    if (hours === 168) return "0 0 * * 0";
  }
  throw new RenderError(
    `${where}: every(${schedule.intervalMs}ms) has no cron equivalent; use every(N) that divides an hour or a day evenly, or cron(...)`,
  );
}

/** The run id of every step of one Job: the Job's name (a CronJob's Jobs are named per scheduled time). */
const RUN_ID_ENV: Json = { name: "MLOPS_RUN_ID", valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } };

function kubeArgs(args: Arg[]): string[] {
  return args.map((arg) => (arg === RUN_ID ? "$(MLOPS_RUN_ID)" : kubeletLiteral(arg)));
}

function container(settings: Settings, spec: StepContainer, storage: PodStorage): Json {
  const usesRunId = spec.args.includes(RUN_ID);
  const mounts: Json[] = spec.ownImage
    ? [{ name: "tmp", mountPath: "/tmp" }]
    : [
        { name: "plan", mountPath: LAYOUT.planDir, readOnly: true },
        ...storage.mounts.map(storageMount),
        { name: "tmp", mountPath: "/tmp" },
      ];
  if (spec.exchange) mounts.push({ name: "exchange", mountPath: LAYOUT.exchangeDir });
  const env = [
    ...(usesRunId ? [RUN_ID_ENV] : []),
    ...spec.env.map(([name, value]) => envVar(name, value)),
    ...(spec.ownImage ? [] : storage.env.map(storageEnvVar)),
  ];
  return {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: "IfNotPresent",
    command: spec.command.map(kubeletLiteral),
    ...(spec.args.length > 0 ? { args: kubeArgs(spec.args) } : {}),
    ...(env.length > 0 ? { env } : {}),
    resources: resources(spec.cpuMillis, spec.memoryBytes, spec.gpu),
    securityContext: containerSecurityContext(settings),
    volumeMounts: mounts,
  };
}

/** The union of the steps' node selectors (one key with two values is an error) and tolerations. */
function placement(steps: Step[], where: string): Json {
  const nodeSelector: Record<string, string> = {};
  for (const step of steps) {
    for (const [key, value] of Object.entries(step.execution.nodeSelector)) {
      if (nodeSelector[key] !== undefined && nodeSelector[key] !== value)
        throw new RenderError(`${where}: steps of one pod select node label ${key} = ${nodeSelector[key]} and = ${value}`);
      nodeSelector[key] = value;
    }
  }
  const seen = new Set<string>();
  const tolerations: Toleration[] = [];
  for (const step of steps) {
    for (const toleration of step.execution.tolerations) {
      const key = JSON.stringify(toleration);
      if (!seen.has(key)) tolerations.push(toleration);
      seen.add(key);
    }
  }
  const sortedSelector = Object.fromEntries(Object.entries(nodeSelector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    ...(Object.keys(sortedSelector).length > 0 ? { nodeSelector: sortedSelector } : {}),
    ...(tolerations.length > 0 ? { tolerations } : {}),
  };
}

/**
 * The pod's PriorityClass: the one its steps declare. A pod has one, so steps of one pod that
 * declare two are an error (declare it at pipeline level, or render Airflow, where each step is a pod).
 */
function priorityClass(steps: Step[], where: string): Json {
  const classes = [...new Set(steps.flatMap((step) => step.execution.priorityClass ?? []))].sort();
  if (classes.length > 1)
    throw new RenderError(
      `${where}: steps of one pod ask for the priority classes ${classes.join(" and ")}; a pod has one: declare \`queue.priority_class\` on the pipeline only`,
    );
  return classes.length === 1 ? { priorityClassName: classes[0] } : {};
}

export function stepsServiceAccount(plan: Plan): string {
  return dnsLabel(`${plan.pipeline.name}-steps`, 63);
}

function podTemplate(plan: Plan, settings: Settings, group: StepGroup, name: string, component: string): Json {
  const outputs = [...new Set(group.steps.flatMap((step) => writableDirs(plan, step)))].sort();
  const storage = stepStorage(plan, settings, group.steps);
  for (const dir of outputs) {
    if (dir === "." || dir.startsWith(".mlops"))
      throw new RenderError(
        `${group.group}: the output must be in a folder of the project (e.g. out/scores.jsonl), not ${JSON.stringify(dir)}`,
      );
  }
  const containers = group.steps.flatMap((step) => stepContainers(plan, settings, step)).map((spec) => container(settings, spec, storage));
  const exchange = containers.some((c) => (c.volumeMounts as Json[]).some((m) => m.name === "exchange"));
  return {
    metadata: { labels: { ...labels(plan, name, component), ...STEP_ROLE }, annotations: { "mlops.dev/plan-hash": settings.hash } },
    spec: {
      serviceAccountName: stepsServiceAccount(plan),
      automountServiceAccountToken: false,
      restartPolicy: "OnFailure",
      securityContext: podSecurityContext(settings),
      ...placement(group.steps, group.group),
      ...priorityClass(group.steps, group.group),
      ...(containers.length > 1 ? { initContainers: containers.slice(0, -1) } : {}),
      containers: containers.slice(-1),
      volumes: [
        { name: "plan", configMap: { name: settings.planConfigMap } },
        ...storage.volumes.map(storageVolume),
        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
        ...(exchange ? [{ name: "exchange", emptyDir: { sizeLimit: "10Gi" } }] : []),
      ],
    },
  };
}

/**
 * Retries: each step may fail `retries` times, so the Job allows their sum. Deadline: every
 * attempt of every step at its timeout.
 */
function jobSpec(plan: Plan, settings: Settings, group: StepGroup, name: string, component: string): Json {
  const retries = group.steps.reduce((sum, step) => sum + step.execution.retries, 0);
  const deadlineMs = group.steps.reduce((sum, step) => sum + step.execution.timeoutMs * (step.execution.retries + 1), 0);
  return {
    backoffLimit: retries,
    activeDeadlineSeconds: Math.max(1, Math.ceil(deadlineMs / 1000)),
    ttlSecondsAfterFinished: 86_400,
    template: podTemplate(plan, settings, group, name, component),
  };
}

function componentOf(group: StepGroup): "training" | "monitor" | "batch" {
  return group.group === "pipeline" ? "training" : group.group.startsWith("monitor.") ? "monitor" : "batch";
}

/** The Job or CronJob of one step group. */
export function stepGroupObject(plan: Plan, settings: Settings, group: StepGroup): KubeObject {
  const component = componentOf(group);
  const exact: Record<string, string> =
    group.subject === null ? {} : { [component === "monitor" ? "mlops.dev/monitor" : "mlops.dev/deployment"]: group.subject };
  if (group.schedule === null) {
    // A Job's pod template cannot change: a new plan is a new Job.
    const name = dnsLabel(`${plan.pipeline.name}-train-${settings.hash.slice(0, 8)}`, 63);
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name, namespace: settings.namespace, labels: labels(plan, name, component), annotations: annotations(plan, exact) },
      spec: jobSpec(plan, settings, group, name, component),
    };
  }
  const name = dnsLabel(group.subject === null ? `${plan.pipeline.name}-train` : `${plan.pipeline.name}-${component}-${group.subject}`, 52);
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: settings.namespace, labels: labels(plan, name, component), annotations: annotations(plan, exact) },
    spec: {
      schedule: cronOf(group.schedule, group.group),
      timeZone: "Etc/UTC",
      ...CRON_POLICY,
      jobTemplate: { metadata: { labels: labels(plan, name, component) }, spec: jobSpec(plan, settings, group, name, component) },
    },
  };
}

/** Step pods take no traffic; they reach DNS and the stores only. */
export function stepsNetworkPolicy(plan: Plan, settings: Settings, egress: Json[]): KubeObject {
  const name = dnsLabel(`${plan.pipeline.name}-steps`, 63);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: settings.namespace, labels: labels(plan, name, "step"), annotations: annotations(plan) },
    spec: {
      podSelector: { matchLabels: { "app.kubernetes.io/part-of": dnsLabel(plan.pipeline.name), ...STEP_ROLE } },
      policyTypes: ["Ingress", "Egress"],
      egress,
    },
  };
}
