/** What every Kubernetes object the renderer writes shares: labels, annotations, security contexts, resources. */
import type { EnvValue, Plan } from "../plan/types.js";
import { kubeletLiteral } from "./escape.js";
import { dnsLabel } from "./names.js";
import { cpuQuantity, memoryQuantity, type Settings } from "./options.js";
import type { StorageEnv, StorageMount, StorageVolume } from "./pod-storage.js";

/** A Kubernetes object as plain data, ready for the YAML writer. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<string, unknown>;

export type Json = Record<string, unknown>;

export const TRACK = "mlops.dev/track";
/** Pod label of every step pod (training, monitors, batch scoring): what the steps' NetworkPolicy selects. */
export const STEP_ROLE = { "mlops.dev/role": "step" } as const;

export function labels(plan: Plan, name: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": dnsLabel(plan.pipeline.name),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": dnsLabel(plan.pipeline.name),
    "app.kubernetes.io/managed-by": "mlops",
  };
}

/** The labels a selector uses: derived from names only, so they never change between renders. */
export function selectorLabels(plan: Plan, name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": dnsLabel(plan.pipeline.name) };
}

/** Exact user values, which object names and labels can only approximate. */
export function annotations(plan: Plan, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { "mlops.dev/pipeline": plan.pipeline.name };
  if (plan.pipeline.owner !== undefined) out["mlops.dev/owner"] = plan.pipeline.owner;
  if (plan.pipeline.tags.length > 0) out["mlops.dev/tags"] = JSON.stringify(plan.pipeline.tags);
  return { ...out, ...extra };
}

/** A store setting: a literal, or a key of the stores Secret (`optional` ones may be absent). */
export function storageEnvVar(entry: StorageEnv): Json {
  if ("value" in entry) return { name: entry.name, value: kubeletLiteral(entry.value) };
  const { name, key, optional } = entry.secret;
  return { name: entry.name, valueFrom: { secretKeyRef: { name, key, ...(optional ? { optional: true } : {}) } } };
}

export function storageVolume(volume: StorageVolume): Json {
  return volume.claim !== undefined
    ? { name: volume.name, persistentVolumeClaim: { claimName: volume.claim } }
    : { name: volume.name, emptyDir: { sizeLimit: volume.sizeLimit ?? "1Gi" } };
}

export function storageMount(mount: StorageMount): Json {
  return { name: mount.volume, mountPath: mount.path, ...(mount.subPath !== undefined ? { subPath: mount.subPath } : {}) };
}

export function envVar(name: string, value: EnvValue): Json {
  if (value.kind === "secret") return { name, valueFrom: { secretKeyRef: { name: value.name, key: value.key } } };
  return { name, value: kubeletLiteral(value.value) };
}

export function podSecurityContext(settings: Settings): Json {
  return {
    runAsNonRoot: true,
    runAsUser: settings.uid,
    runAsGroup: settings.uid,
    fsGroup: settings.uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext(settings: Settings): Json {
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

/** Requests = limits (a Guaranteed pod when every container says so); GPUs as `nvidia.com/gpu`. */
export function resources(cpuMillis: number, memoryBytes: number, gpu = 0): Json {
  const amounts: Record<string, string> = { cpu: cpuQuantity(cpuMillis), memory: memoryQuantity(memoryBytes) };
  if (gpu > 0) amounts["nvidia.com/gpu"] = String(gpu);
  return { requests: amounts, limits: { ...amounts } };
}

export function serviceAccount(plan: Plan, name: string, namespace: string, component: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace, labels: labels(plan, name, component), annotations: annotations(plan) },
    automountServiceAccountToken: false,
  };
}

/**
 * Egress to the cluster DNS and to `Settings.egressPorts` (by default 443 — S3-compatible object
 * storage and webhooks over HTTPS — and PostgreSQL's 5432).
 */
export function podEgress(settings: Pick<Settings, "egressPorts">): Json[] {
  return [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
          podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
      ],
      ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ],
    },
    { ports: settings.egressPorts.map((port) => ({ protocol: "TCP", port })) },
  ];
}
