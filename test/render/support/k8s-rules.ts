/**
 * Checks a schema does not make: every object validated strictly (unknown fields are errors; the
 * Kubernetes, Gateway API and KServe schemas, see strict-schema.ts and kserve-schema.ts), name
 * syntax and length, selectors that select pods, the "restricted" Pod Security Standard, pinned
 * images.
 */
import { loadKServeSchema } from "./kserve-schema.js";
import { strictModelErrors } from "./strict-schema.js";

const kserve = await loadKServeSchema();

/** Every schema problem of one object (strict): null-free list, empty when valid. */
export function schemaErrors(object: Obj): string[] {
  if (object.apiVersion === "serving.kserve.io/v1beta1" && object.kind === "InferenceService")
    return kserve(object).map((e) => `InferenceService ${object.metadata?.namespace}/${object.metadata?.name}: ${e}`);
  return strictModelErrors(object) ?? [`${object.kind} ${object.metadata?.name}: no schema for ${object.apiVersion}/${object.kind}`];
}

export type Obj = Record<string, any>;

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function podTemplateOf(object: Obj): Obj | undefined {
  if (object.kind === "Deployment" || object.kind === "Job") return object.spec.template;
  if (object.kind === "CronJob") return object.spec.jobTemplate.spec.template;
  if (object.kind === "InferenceService" && object.spec.predictor.containers) return { spec: object.spec.predictor };
  return undefined;
}

function containersOf(spec: Obj): Obj[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

function subset(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function restricted(object: Obj, where: string, out: string[]): void {
  const spec = podTemplateOf(object)?.spec;
  if (!spec) return;
  const pod = spec.securityContext ?? {};
  if (pod.runAsNonRoot !== true) out.push(`${where}: pod runAsNonRoot must be true`);
  if (!Number.isInteger(pod.runAsUser) || pod.runAsUser <= 0) out.push(`${where}: pod runAsUser must be a non-zero uid`);
  if (pod.seccompProfile?.type !== "RuntimeDefault") out.push(`${where}: seccompProfile must be RuntimeDefault`);
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push(`${where}: host namespaces`);
  const emptyDirs = new Set((spec.volumes ?? []).filter((v: Obj) => v.emptyDir !== undefined).map((v: Obj) => v.name));
  for (const volume of spec.volumes ?? []) if (volume.hostPath) out.push(`${where}: hostPath volume`);
  for (const c of containersOf(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}/${c.name}: allowPrivilegeEscalation must be false`);
    if (sc.privileged) out.push(`${where}/${c.name}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${where}/${c.name}: must drop ALL capabilities`);
    if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE")) out.push(`${where}/${c.name}: adds capabilities`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${where}/${c.name}: readOnlyRootFilesystem must be true`);
    if (sc.runAsUser === 0) out.push(`${where}/${c.name}: runs as root`);
    const tmp = (c.volumeMounts ?? []).find((m: Obj) => m.mountPath === "/tmp");
    if (!tmp || !emptyDirs.has(tmp.name)) out.push(`${where}/${c.name}: /tmp must be an emptyDir`);
    const image: string = c.image;
    const last = image.slice(image.lastIndexOf("/") + 1);
    if (!/@sha256:[0-9a-f]{64}$/.test(image) && (!last.includes(":") || last.endsWith(":latest")))
      out.push(`${where}/${c.name}: image ${image} is not pinned`);
    if ((c.env ?? []).some((e: Obj) => e.valueFrom && !e.valueFrom.secretKeyRef && !e.valueFrom.fieldRef))
      out.push(`${where}/${c.name}: env from something other than a secretKeyRef or the pod's own fields`);
  }
}

/** Every rule violation in a set of objects (one namespace or many). */
export function checkObjects(objects: Obj[]): string[] {
  const out: string[] = [];
  for (const object of objects) {
    const where = `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`;
    out.push(...schemaErrors(object));
    const name: string = object.metadata.name;
    const max = object.kind === "CronJob" ? 52 : 63;
    if (!DNS_LABEL.test(name) || name.length > max) out.push(`${where}: name is not a DNS-1035 label of at most ${max} characters`);
    if (!DNS_LABEL.test(object.metadata.namespace ?? "") && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(object.metadata.namespace ?? ""))
      out.push(`${where}: bad namespace`);
    const labelSets = [object.metadata.labels ?? {}, podTemplateOf(object)?.metadata?.labels ?? {}];
    for (const labels of labelSets) {
      for (const [k, v] of Object.entries(labels as Record<string, string>)) {
        if (!LABEL_KEY.test(k) || k.split("/").pop()!.length > 63) out.push(`${where}: bad label key ${k}`);
        if (!LABEL_VALUE.test(v) || v.length > 63) out.push(`${where}: bad label value ${k}=${v}`);
      }
    }
    for (const key of [
      "app.kubernetes.io/name",
      "app.kubernetes.io/instance",
      "app.kubernetes.io/managed-by",
      "app.kubernetes.io/part-of",
      "app.kubernetes.io/component",
    ]) {
      if (!(key in (object.metadata.labels ?? {}))) out.push(`${where}: missing recommended label ${key}`);
    }
    restricted(object, where, out);
    if (object.kind === "CronJob") {
      const spec = object.spec;
      if (spec.concurrencyPolicy !== "Forbid") out.push(`${where}: concurrencyPolicy must be Forbid`);
      if (!(spec.startingDeadlineSeconds > 0)) out.push(`${where}: startingDeadlineSeconds must be set`);
      if (!(spec.successfulJobsHistoryLimit >= 0 && spec.failedJobsHistoryLimit >= 0)) out.push(`${where}: history limits must be set`);
    }
    const pod = podTemplateOf(object)?.spec;
    if (pod && object.kind !== "InferenceService") {
      if (!pod.serviceAccountName) out.push(`${where}: no serviceAccountName`);
      if (pod.automountServiceAccountToken !== false) out.push(`${where}: mounts an API token`);
    }
    if (object.metadata.namespace === "default") out.push(`${where}: in the default namespace`);
    if (object.kind === "Deployment" && !subset(object.spec.selector.matchLabels, object.spec.template.metadata.labels))
      out.push(`${where}: selector does not match its pod labels`);
  }
  const pods = objects.filter((o) => o.kind === "Deployment");
  const selects = (namespace: string, selector: Record<string, string>) =>
    pods.filter((d) => d.metadata.namespace === namespace && subset(selector, d.spec.template.metadata.labels));
  for (const object of objects) {
    const where = `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
    const ns = object.metadata.namespace;
    if (object.kind === "Service" && selects(ns, object.spec.selector).length === 0) out.push(`${where}: selects no pods`);
    if (object.kind === "PodDisruptionBudget" && selects(ns, object.spec.selector.matchLabels).length === 0)
      out.push(`${where}: selects no pods`);
    if (
      object.kind === "NetworkPolicy" &&
      selects(ns, object.spec.podSelector.matchLabels).length === 0 &&
      !objects.some((o) => o.metadata.namespace === ns && subset(object.spec.podSelector.matchLabels, podTemplateOf(o)?.metadata?.labels))
    )
      out.push(`${where}: selects no pods`);
    if (
      object.kind === "HorizontalPodAutoscaler" &&
      !pods.some((d) => d.metadata.namespace === ns && d.metadata.name === object.spec.scaleTargetRef.name)
    ) {
      out.push(`${where}: scales a Deployment that does not exist`);
    }
    if (object.kind === "Deployment") {
      const overlapping = selects(ns, object.spec.selector.matchLabels).filter((d) => d !== object);
      if (overlapping.length > 0) out.push(`${where}: its selector also matches ${overlapping.map((d) => d.metadata.name).join(", ")}`);
    }
  }
  return out;
}
