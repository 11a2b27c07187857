/**
 * Checks kubernetes-models does not make: unknown fields (against a known-field list for
 * every kind the renderer writes), name syntax and length, selectors that select pods,
 * the "restricted" Pod Security Standard, pinned images.
 */

type Shape = "leaf" | "map" | Shape[] | { [key: string]: Shape };

const S: Shape = "leaf";
const MAP: Shape = "map";
const metadata: Shape = { name: S, namespace: S, labels: MAP, annotations: MAP };
const httpProbe: Shape = {
  httpGet: { path: S, port: S },
  periodSeconds: S,
  timeoutSeconds: S,
  failureThreshold: S,
  initialDelaySeconds: S,
};
const container: Shape = {
  name: S,
  image: S,
  imagePullPolicy: S,
  command: [S],
  args: [S],
  env: [{ name: S, value: S, valueFrom: { secretKeyRef: { name: S, key: S, optional: S } } }],
  ports: [{ name: S, containerPort: S, protocol: S }],
  resources: { requests: MAP, limits: MAP },
  securityContext: {
    allowPrivilegeEscalation: S,
    readOnlyRootFilesystem: S,
    runAsNonRoot: S,
    runAsUser: S,
    runAsGroup: S,
    capabilities: { drop: [S], add: [S] },
    seccompProfile: { type: S },
  },
  volumeMounts: [{ name: S, mountPath: S, readOnly: S }],
  startupProbe: httpProbe,
  readinessProbe: httpProbe,
  livenessProbe: httpProbe,
};
const podSpec: Shape = {
  automountServiceAccountToken: S,
  restartPolicy: S,
  terminationGracePeriodSeconds: S,
  securityContext: { runAsNonRoot: S, runAsUser: S, runAsGroup: S, fsGroup: S, seccompProfile: { type: S } },
  containers: [container],
  volumes: [{ name: S, configMap: { name: S }, persistentVolumeClaim: { claimName: S }, emptyDir: { sizeLimit: S } }],
};
const podTemplate: Shape = { metadata: { labels: MAP, annotations: MAP }, spec: podSpec };
const jobSpec: Shape = { backoffLimit: S, activeDeadlineSeconds: S, ttlSecondsAfterFinished: S, template: podTemplate };
const selector: Shape = { matchLabels: MAP };

export const KNOWN_FIELDS: Record<string, Shape> = {
  ConfigMap: { apiVersion: S, kind: S, metadata, data: MAP },
  Deployment: {
    apiVersion: S,
    kind: S,
    metadata,
    spec: {
      replicas: S,
      revisionHistoryLimit: S,
      selector,
      strategy: { type: S, rollingUpdate: { maxSurge: S, maxUnavailable: S } },
      template: podTemplate,
    },
  },
  Service: {
    apiVersion: S,
    kind: S,
    metadata,
    spec: { type: S, selector: MAP, ports: [{ name: S, port: S, targetPort: S, protocol: S }] },
  },
  HorizontalPodAutoscaler: {
    apiVersion: S,
    kind: S,
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: S, kind: S, name: S },
      minReplicas: S,
      maxReplicas: S,
      metrics: [{ type: S, resource: { name: S, target: { type: S, averageUtilization: S } } }],
    },
  },
  PodDisruptionBudget: { apiVersion: S, kind: S, metadata, spec: { maxUnavailable: S, minAvailable: S, selector } },
  NetworkPolicy: {
    apiVersion: S,
    kind: S,
    metadata,
    spec: { podSelector: selector, policyTypes: [S], ingress: [{ ports: [{ protocol: S, port: S }] }] },
  },
  Job: { apiVersion: S, kind: S, metadata, spec: jobSpec },
  CronJob: {
    apiVersion: S,
    kind: S,
    metadata,
    spec: {
      schedule: S,
      timeZone: S,
      concurrencyPolicy: S,
      startingDeadlineSeconds: S,
      successfulJobsHistoryLimit: S,
      failedJobsHistoryLimit: S,
      jobTemplate: { metadata: { labels: MAP }, spec: jobSpec },
    },
  },
};

export type Obj = Record<string, any>;

function unknownFields(value: unknown, shape: Shape, path: string, out: string[]): void {
  if (shape === "leaf") {
    if (value !== null && typeof value === "object") out.push(`${path}: expected a scalar`);
    return;
  }
  if (shape === "map") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) out.push(`${path}: expected a map`);
    else for (const [k, v] of Object.entries(value)) if (typeof v === "object" && v !== null) out.push(`${path}.${k}: expected a scalar`);
    return;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return void out.push(`${path}: expected a list`);
    value.forEach((item, i) => unknownFields(item, shape[0]!, `${path}[${i}]`, out));
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return void out.push(`${path}: expected an object`);
  for (const [key, item] of Object.entries(value)) {
    const sub = shape[key];
    if (sub === undefined) out.push(`${path}.${key}: unknown field`);
    else unknownFields(item, sub, `${path}.${key}`, out);
  }
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function podTemplateOf(object: Obj): Obj | undefined {
  if (object.kind === "Deployment" || object.kind === "Job") return object.spec.template;
  if (object.kind === "CronJob") return object.spec.jobTemplate.spec.template;
  return undefined;
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
  const tmpVolume = (spec.volumes ?? []).find((v: Obj) => v.emptyDir !== undefined);
  for (const volume of spec.volumes ?? []) if (volume.hostPath) out.push(`${where}: hostPath volume`);
  for (const c of spec.containers ?? []) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}/${c.name}: allowPrivilegeEscalation must be false`);
    if (sc.privileged) out.push(`${where}/${c.name}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${where}/${c.name}: must drop ALL capabilities`);
    if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE")) out.push(`${where}/${c.name}: adds capabilities`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${where}/${c.name}: readOnlyRootFilesystem must be true`);
    if (sc.runAsUser === 0) out.push(`${where}/${c.name}: runs as root`);
    const tmp = (c.volumeMounts ?? []).find((m: Obj) => m.mountPath === "/tmp");
    if (!tmp || tmp.name !== tmpVolume?.name) out.push(`${where}/${c.name}: /tmp must be an emptyDir`);
    const image: string = c.image;
    const last = image.slice(image.lastIndexOf("/") + 1);
    if (!/@sha256:[0-9a-f]{64}$/.test(image) && (!last.includes(":") || last.endsWith(":latest")))
      out.push(`${where}/${c.name}: image ${image} is not pinned`);
    if ((c.env ?? []).some((e: Obj) => e.valueFrom && !e.valueFrom.secretKeyRef))
      out.push(`${where}/${c.name}: env from something other than a secretKeyRef`);
  }
}

/** Every rule violation in a set of objects (one namespace or many). */
export function checkObjects(objects: Obj[]): string[] {
  const out: string[] = [];
  for (const object of objects) {
    const where = `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`;
    const shape = KNOWN_FIELDS[object.kind];
    if (!shape) {
      out.push(`${where}: kind not in the known-field list`);
      continue;
    }
    unknownFields(object, shape, object.kind, out);
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
    if (object.kind === "CronJob" && object.spec.concurrencyPolicy !== "Forbid") out.push(`${where}: concurrencyPolicy must be Forbid`);
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
    if (object.kind === "NetworkPolicy" && selects(ns, object.spec.podSelector.matchLabels).length === 0)
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
