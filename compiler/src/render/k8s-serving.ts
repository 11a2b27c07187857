/**
 * A `kubernetes` deployment: Deployment, Service, HPA, PDB, NetworkPolicy and ServiceAccount.
 * A canary rollout adds a second Deployment serving the registry alias `canary`, its own Service,
 * and a Gateway API HTTPRoute splitting traffic between the two by weight (see `canaryWeights`).
 */
import type { DeploymentSpec, Plan } from "../plan/types.js";
import { kubeletLiteral } from "./escape.js";
import {
  annotations,
  containerSecurityContext,
  envVar,
  type Json,
  type KubeObject,
  labels,
  podSecurityContext,
  resources,
  podEgress,
  selectorLabels,
  serviceAccount,
  storageEnvVar,
  storageMount,
  storageVolume,
  TRACK,
} from "./k8s-common.js";
import { dnsLabel, requireNamespace, requirePinnedImage } from "./names.js";
import { LAYOUT, type Settings, sortedEnv } from "./options.js";
import { serverStorage as storageOfServer } from "./pod-storage.js";

type KubeTarget = Extract<DeploymentSpec["target"], { kind: "kubernetes" }>;

/** HTTPRoute weights (stable, canary) at each canary step, in percent. */
export function canaryWeights(steps: number[]): Array<[number, number]> {
  return steps.map((share) => {
    const canary = Math.round(share * 100);
    return [100 - canary, canary];
  });
}

/** The `mlops serve` arguments of a deployment's server (all interfaces: the pod's Service reaches it from outside). */
export function serveArgs(deployment: DeploymentSpec, alias: "production" | "canary"): string[] {
  return [
    "serve",
    "--plan",
    LAYOUT.planPath,
    "--root",
    LAYOUT.workdir,
    "--deployment",
    deployment.name,
    "--host",
    "0.0.0.0",
    "--port",
    String(deployment.endpoint.port),
    ...(alias === "canary" ? ["--alias", "canary"] : []),
  ];
}

/** The volumes and mounts of a server of `deployment`: the plan, the stores (see `pod-storage.ts`), /tmp. */
export function serverStorage(plan: Plan, settings: Settings, deployment: string): { volumes: Json[]; mounts: Json[]; env: Json[] } {
  const storage = storageOfServer(plan, settings, deployment);
  return {
    volumes: [
      { name: "plan", configMap: { name: settings.planConfigMap } },
      ...storage.volumes.map(storageVolume),
      { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
    ],
    mounts: [
      { name: "plan", mountPath: LAYOUT.planDir, readOnly: true },
      ...storage.mounts.map(storageMount),
      { name: "tmp", mountPath: "/tmp" },
    ],
    env: storage.env.map(storageEnvVar),
  };
}

const probe = (path: string, period: number, failures: number): Json => ({
  httpGet: { path, port: "http" },
  periodSeconds: period,
  timeoutSeconds: 2,
  failureThreshold: failures,
});

/** The V2 health endpoints of `mlops serve`. */
export const SERVER_PROBES: Json = {
  startupProbe: probe("/v2/health/ready", 5, 60),
  readinessProbe: probe("/v2/health/ready", 10, 3),
  livenessProbe: probe("/v2/health/live", 20, 3),
};

/**
 * A server's environment: the deployment's variables, its ONNX threads, the stores, and its pod's
 * name as its request-log writer (replicas share the log's volume, each appends to its own file).
 */
export function serverEnv(deployment: DeploymentSpec, cpuMillis: number, where: string, storeEnv: Json[]): Json[] {
  return [
    ...sortedEnv(deployment.envVars, where).map(([key, value]) => envVar(key, value)),
    { name: "ORT_INTRA_OP_THREADS", value: String(Math.max(1, Math.floor(cpuMillis / 1000))) },
    { name: "MLOPS_REQUEST_LOG_WRITER", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    ...storeEnv,
  ];
}

/** Spread replicas over nodes (required) and zones (preferred), so one node's loss leaves the PDB satisfiable. */
function topologySpread(selector: Record<string, string>): Json[] {
  return [
    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: selector } },
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: selector },
    },
  ];
}

export function servingObjects(plan: Plan, settings: Settings, deployment: DeploymentSpec, target: KubeTarget): KubeObject[] {
  const where = `deployment ${JSON.stringify(deployment.name)}`;
  const namespace = requireNamespace(target.namespace, where);
  const image = requirePinnedImage(target.image, where);
  const name = dnsLabel(deployment.name, 56);
  const canaryName = dnsLabel(`${deployment.name}-canary`, 63);
  const port = deployment.endpoint.port;
  const minReplicas = target.autoscale ? target.autoscale.min : target.replicas;
  const exact = annotations(plan, { "mlops.dev/deployment": deployment.name, "mlops.dev/model": deployment.model });
  const storage = serverStorage(plan, settings, deployment.name);
  const env = serverEnv(deployment, target.cpuMillis, where, storage.env);

  const deploymentObject = (track: "stable" | "canary", objectName: string, replicas: number | null): KubeObject => {
    const selector = { ...selectorLabels(plan, name), [TRACK]: track };
    return {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: objectName, namespace, labels: { ...labels(plan, name, "model-server"), [TRACK]: track }, annotations: exact },
      spec: {
        ...(replicas === null ? {} : { replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: { ...labels(plan, name, "model-server"), [TRACK]: track },
            annotations: { "mlops.dev/plan-hash": settings.hash },
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: podSecurityContext(settings),
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: topologySpread(selector),
            containers: [
              {
                name: "model-server",
                image,
                imagePullPolicy: "IfNotPresent",
                command: ["mlops"],
                args: serveArgs(deployment, track === "canary" ? "canary" : "production").map(kubeletLiteral),
                env,
                ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
                ...SERVER_PROBES,
                resources: resources(target.cpuMillis, target.memoryBytes),
                securityContext: containerSecurityContext(settings),
                volumeMounts: storage.mounts,
              },
            ],
            volumes: storage.volumes,
          },
        },
      },
    };
  };
  const service = (objectName: string, track: "stable" | "canary"): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: objectName, namespace, labels: labels(plan, name, "model-server"), annotations: exact },
    spec: {
      type: "ClusterIP",
      selector: { ...selectorLabels(plan, name), [TRACK]: track },
      ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }],
    },
  });
  const hpa = (objectName: string, min: number, max: number, targetCpu: number): KubeObject => ({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: objectName, namespace, labels: labels(plan, name, "model-server"), annotations: exact },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: objectName },
      minReplicas: min,
      maxReplicas: max,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: Math.round(targetCpu * 100) } } },
      ],
    },
  });

  const objects: KubeObject[] = [
    serviceAccount(plan, name, namespace, "model-server"),
    deploymentObject("stable", name, target.autoscale ? null : target.replicas),
    service(name, "stable"),
  ];
  if (target.autoscale) objects.push(hpa(name, target.autoscale.min, target.autoscale.max, target.autoscale.targetCpu));
  if (deployment.rollout.kind === "canary") {
    // The canary carries a share of the traffic, so it scales on its own (from one replica) or, without
    // an autoscaler, has the stable replica count to take 100% at the last step.
    objects.push(deploymentObject("canary", canaryName, target.autoscale ? null : target.replicas), service(canaryName, "canary"));
    if (target.autoscale) objects.push(hpa(canaryName, 1, target.autoscale.max, target.autoscale.targetCpu));
    objects.push(httpRoute(plan, settings, deployment, { name, canaryName, namespace, port, exact }));
  }
  if (minReplicas > 1) {
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
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ ports: [{ protocol: "TCP", port }] }],
      egress: podEgress(settings),
    },
  });
  return objects;
}

function httpRoute(
  plan: Plan,
  settings: Settings,
  deployment: DeploymentSpec,
  names: { name: string; canaryName: string; namespace: string; port: number; exact: Record<string, string> },
): KubeObject {
  if (deployment.rollout.kind !== "canary") throw new Error("not a canary");
  const weights = canaryWeights(deployment.rollout.steps);
  const [stable, canary] = weights[0]!;
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: {
      name: names.name,
      namespace: names.namespace,
      labels: labels(plan, names.name, "model-server"),
      annotations: {
        ...names.exact,
        "mlops.dev/canary-weights": weights.map(([, w]) => `${w}%`).join(","),
        "mlops.dev/canary-interval-seconds": String(Math.round(deployment.rollout.intervalMs / 1000)),
      },
    },
    spec: {
      parentRefs: [{ name: settings.gateway.name, ...(settings.gateway.namespace ? { namespace: settings.gateway.namespace } : {}) }],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [
            { name: names.name, port: names.port, weight: stable },
            { name: names.canaryName, port: names.port, weight: canary },
          ],
        },
      ],
    },
  };
}
