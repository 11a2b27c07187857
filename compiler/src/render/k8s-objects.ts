import type { DeploymentSpec, EnvValue, Plan, Schedule } from "../plan/types.js";
import { kubeletLiteral } from "./escape.js";
import { planText } from "./header.js";
import { dnsLabel, RenderError, requireNamespace, requirePinnedImage } from "./names.js";
import { cpuQuantity, groupEnv, LAYOUT, memoryQuantity, sortedEnv, stepGroups, type Settings, type StepGroup } from "./options.js";

/** A Kubernetes object as plain data, ready for the YAML writer. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<string, unknown>;

type Json = Record<string, unknown>;

const MANAGED_BY = "mlops";
const TRACK = "mlops.dev/track";

function labels(plan: Plan, name: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": dnsLabel(plan.pipeline.name),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": dnsLabel(plan.pipeline.name),
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/** The labels a selector uses: derived from names only, so they never change between renders. */
function selectorLabels(plan: Plan, name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": dnsLabel(plan.pipeline.name) };
}

/** Exact user values, which object names and labels can only approximate. */
function annotations(plan: Plan, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { "mlops.dev/pipeline": plan.pipeline.name };
  if (plan.pipeline.owner !== undefined) out["mlops.dev/owner"] = plan.pipeline.owner;
  if (plan.pipeline.tags.length > 0) out["mlops.dev/tags"] = JSON.stringify(plan.pipeline.tags);
  return { ...out, ...extra };
}

function envVar(name: string, value: EnvValue): Json {
  if (value.kind === "secret") return { name, valueFrom: { secretKeyRef: { name: value.name, key: value.key } } };
  return { name, value: kubeletLiteral(value.value) };
}

function podSecurityContext(settings: Settings): Json {
  return {
    runAsNonRoot: true,
    runAsUser: settings.uid,
    runAsGroup: settings.uid,
    fsGroup: settings.uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

function containerSecurityContext(settings: Settings): Json {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: settings.uid,
    runAsGroup: settings.uid,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

function volumes(settings: Settings): Json[] {
  return [
    { name: "plan", configMap: { name: settings.planConfigMap } },
    { name: "store", persistentVolumeClaim: { claimName: settings.storeClaim } },
    { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
  ];
}

const volumeMounts: Json[] = [
  { name: "plan", mountPath: LAYOUT.planDir, readOnly: true },
  { name: "store", mountPath: LAYOUT.storeDir },
  { name: "tmp", mountPath: "/tmp" },
];

function resources(cpuMillis: number, memoryBytes: number): Json {
  const amounts = { cpu: cpuQuantity(cpuMillis), memory: memoryQuantity(memoryBytes) };
  return { requests: amounts, limits: { ...amounts } };
}

interface ContainerSpec {
  name: string;
  image: string;
  args: string[];
  env: Json[];
  resources: Json;
  extra?: Json;
}

function podSpec(settings: Settings, container: ContainerSpec, extra: Json = {}): Json {
  return {
    automountServiceAccountToken: false,
    securityContext: podSecurityContext(settings),
    ...extra,
    containers: [
      {
        name: container.name,
        image: container.image,
        imagePullPolicy: "IfNotPresent",
        command: ["mlops"],
        args: container.args.map(kubeletLiteral),
        ...(container.env.length > 0 ? { env: container.env } : {}),
        ...container.extra,
        resources: container.resources,
        securityContext: containerSecurityContext(settings),
        volumeMounts,
      },
    ],
    volumes: volumes(settings),
  };
}

/** The plan, in a ConfigMap in every namespace whose pods mount it. */
function planConfigMaps(plan: Plan, settings: Settings, namespaces: string[]): KubeObject[] {
  return namespaces.map((namespace) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: settings.planConfigMap,
      namespace,
      labels: labels(plan, settings.planConfigMap, "plan"),
      annotations: annotations(plan, { "mlops.dev/plan-hash": settings.hash }),
    },
    data: { "plan.json": planText(plan) },
  }));
}

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

/** `mlops run PLAN --root WORKDIR [--group G]`: the plan is mounted read-only, the project (data, stores) is the workdir. */
function stepArgs(group: StepGroup): string[] {
  return ["run", LAYOUT.planPath, "--root", LAYOUT.workdir, ...(group.group === "pipeline" ? [] : ["--group", group.group])];
}

function stepContainer(plan: Plan, settings: Settings, group: StepGroup): ContainerSpec {
  return {
    name: "step",
    image: settings.runtimeImage,
    args: stepArgs(group),
    env: groupEnv(plan, group.steps).map(([key, value]) => envVar(key, value)),
    resources: resources(settings.stepResources.cpuMillis, settings.stepResources.memoryBytes),
  };
}

function jobSpec(plan: Plan, settings: Settings, group: StepGroup, name: string, component: string): Json {
  return {
    backoffLimit: settings.retries,
    activeDeadlineSeconds: Math.max(1, Math.ceil(settings.executionTimeoutMs / 1000)),
    ttlSecondsAfterFinished: 86_400,
    template: {
      metadata: { labels: labels(plan, name, component), annotations: { "mlops.dev/plan-hash": settings.hash } },
      spec: podSpec(settings, stepContainer(plan, settings, group), { restartPolicy: "Never" }),
    },
  };
}

/** The training Job; its name carries the plan hash because a Job's pod template cannot change. */
function trainingJob(plan: Plan, settings: Settings, group: StepGroup): KubeObject {
  const name = dnsLabel(`${plan.pipeline.name}-train-${settings.hash.slice(0, 8)}`, 63);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: settings.namespace, labels: labels(plan, name, "training"), annotations: annotations(plan) },
    spec: jobSpec(plan, settings, group, name, "training"),
  };
}

function scheduledJob(plan: Plan, settings: Settings, group: StepGroup): KubeObject {
  const component = group.group.startsWith("monitor.") ? "monitor" : "batch";
  const name = dnsLabel(`${plan.pipeline.name}-${component}-${group.subject}`, 52);
  const exact: Record<string, string> = { [component === "monitor" ? "mlops.dev/monitor" : "mlops.dev/deployment"]: group.subject! };
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: settings.namespace, labels: labels(plan, name, component), annotations: annotations(plan, exact) },
    spec: {
      schedule: cronOf(group.schedule!, group.group),
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { metadata: { labels: labels(plan, name, component) }, spec: jobSpec(plan, settings, group, name, component) },
    },
  };
}

type KubeTarget = Extract<DeploymentSpec["target"], { kind: "kubernetes" }>;

/** Replica counts per canary step: the canary gets ceil(replicas × weight), the stable Deployment keeps its replicas. */
export function canaryReplicas(replicas: number, steps: number[]): number[] {
  return steps.map((weight) => Math.max(1, Math.ceil(replicas * weight)));
}

function servingObjects(plan: Plan, settings: Settings, deployment: DeploymentSpec, target: KubeTarget): KubeObject[] {
  const where = `deployment ${JSON.stringify(deployment.name)}`;
  const namespace = requireNamespace(target.namespace, where);
  const image = requirePinnedImage(target.image, where);
  const name = dnsLabel(deployment.name, 56);
  const port = deployment.endpoint.port;
  const replicas = target.autoscale ? target.autoscale.min : target.replicas;
  const exact = annotations(plan, { "mlops.dev/deployment": deployment.name, "mlops.dev/model": deployment.model });
  const env = [
    ...sortedEnv(deployment.envVars, where).map(([key, value]) => envVar(key, value)),
    { name: "ORT_INTRA_OP_THREADS", value: String(Math.max(1, Math.floor(target.cpuMillis / 1000))) },
  ];
  const probe = (path: string, period: number, failures: number): Json => ({
    httpGet: { path, port: "http" },
    periodSeconds: period,
    timeoutSeconds: 2,
    failureThreshold: failures,
  });
  const server = (track: "stable" | "canary"): ContainerSpec => ({
    name: "model-server",
    image,
    args: [
      "serve",
      "--plan",
      LAYOUT.planPath,
      "--root",
      LAYOUT.workdir,
      "--deployment",
      deployment.name,
      "--port",
      String(port),
      ...(track === "canary" ? ["--alias", "canary"] : []),
    ],
    env,
    resources: resources(target.cpuMillis, target.memoryBytes),
    extra: {
      ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
      startupProbe: probe("/health/ready", 5, 60),
      readinessProbe: probe("/health/ready", 10, 3),
      livenessProbe: probe("/health/live", 20, 3),
    },
  });
  const deploymentObject = (
    track: "stable" | "canary",
    objectName: string,
    count: number | null,
    extraAnnotations: Record<string, string>,
  ): KubeObject => {
    const selector = { ...selectorLabels(plan, name), [TRACK]: track };
    return {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: objectName,
        namespace,
        labels: { ...labels(plan, name, "model-server"), [TRACK]: track },
        annotations: { ...exact, ...extraAnnotations },
      },
      spec: {
        ...(count === null ? {} : { replicas: count }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: { ...labels(plan, name, "model-server"), [TRACK]: track },
            annotations: { "mlops.dev/plan-hash": settings.hash },
          },
          spec: podSpec(settings, server(track), { terminationGracePeriodSeconds: 30 }),
        },
      },
    };
  };

  const objects: KubeObject[] = [deploymentObject("stable", name, target.autoscale ? null : target.replicas, {})];
  if (deployment.rollout.kind === "canary") {
    const steps = deployment.rollout.steps;
    const counts = canaryReplicas(replicas, steps);
    objects.push(
      deploymentObject("canary", dnsLabel(`${deployment.name}-canary`, 63), counts[0] ?? 1, {
        "mlops.dev/canary-weights": steps.map((w) => `${Math.round(w * 1000) / 10}%`).join(","),
        "mlops.dev/canary-replicas": counts.join(","),
        "mlops.dev/canary-interval-seconds": String(Math.round(deployment.rollout.intervalMs / 1000)),
        "mlops.dev/canary-procedure":
          "Traffic is split by replica count through the shared Service. At each step scale this Deployment to the next mlops.dev/canary-replicas value and wait the interval; after the last step promote the model (mlops models promote) and scale this Deployment to 0.",
      }),
    );
  }
  objects.push({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: labels(plan, name, "model-server"), annotations: exact },
    spec: { type: "ClusterIP", selector: selectorLabels(plan, name), ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
  });
  if (target.autoscale) {
    objects.push({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name, namespace, labels: labels(plan, name, "model-server"), annotations: exact },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        minReplicas: target.autoscale.min,
        maxReplicas: target.autoscale.max,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: Math.round(target.autoscale.targetCpu * 100) } },
          },
        ],
      },
    });
  }
  if (replicas > 1) {
    objects.push({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name, namespace, labels: labels(plan, name, "model-server"), annotations: exact },
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...selectorLabels(plan, name), [TRACK]: "stable" } } },
    });
  }
  objects.push({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: labels(plan, name, "model-server"), annotations: exact },
    spec: {
      podSelector: { matchLabels: selectorLabels(plan, name) },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP", port }] }],
    },
  });
  return objects;
}

/** Every Kubernetes object for one plan, in a stable order. */
export function kubernetesObjects(plan: Plan, settings: Settings): KubeObject[] {
  const serving: KubeObject[] = [];
  for (const name of Object.keys(plan.deployments).sort()) {
    const deployment = plan.deployments[name]!;
    if (deployment.target.kind === "kubernetes") serving.push(...servingObjects(plan, settings, deployment, deployment.target));
  }
  const steps: KubeObject[] = [];
  for (const group of stepGroups(plan)) {
    if (group.group === "pipeline") steps.push(trainingJob(plan, settings, group));
    else steps.push(scheduledJob(plan, settings, group));
  }
  const namespaces = [...new Set([settings.namespace, ...serving.map((o) => o.metadata.namespace)])].sort();
  return [...planConfigMaps(plan, settings, namespaces), ...steps, ...serving];
}
