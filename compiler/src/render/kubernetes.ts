import { kserveSection } from "./kserve-readme.js";
import type { Plan } from "../plan/types.js";
import { hashComment, headerLine, planText } from "./header.js";
import { canaryWeights, type KubeObject, kubernetesObjects, planNamespaces } from "./k8s-objects.js";
import { labels } from "./k8s-common.js";
import { CRON_POLICY } from "./k8s-steps.js";
import { kustomization, objectFile, objectYaml, overlay, type Overlay } from "./kustomize.js";
import { RenderError } from "./names.js";
import { resolveSettings, type RenderOptions, type Settings } from "./options.js";
import { storesText } from "./stores-readme.js";
import type { RenderedFile } from "./rendered-file.js";
import { toYaml } from "./yaml-out.js";

export interface KubernetesPlans {
  /** The plan compiled with no env (param defaults): the Kustomize base. */
  base: Plan;
  /** The plan compiled for each env: one overlay each, computed by diffing against the base. */
  envs: Record<string, Plan>;
}

function safeDirName(env: string): string {
  if (/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(env) && env.length <= 100) return env;
  throw new RenderError(`env ${JSON.stringify(env)} cannot name an overlay directory (use letters, digits, '_', '.', '-')`);
}

/**
 * The plan as a kustomize-generated ConfigMap in every namespace that mounts it: kustomize appends a
 * hash of the content to its name and to every reference, so a running Job keeps the plan it started
 * with and a new plan rolls the Deployments.
 */
function planGenerator(plan: Plan, settings: Settings, namespaces: string[], behavior?: "replace"): Array<Record<string, unknown>> {
  return namespaces.map((namespace) => ({
    name: settings.planConfigMap,
    namespace,
    ...(behavior ? { behavior } : {}),
    files: ["plan.json"],
    options: { labels: labels(plan, settings.planConfigMap, "plan"), annotations: { "mlops.dev/plan-hash": settings.hash } },
  }));
}

/** Teaches kustomize where an InferenceService names the plan ConfigMap, so the generated name reaches it. */
const KUSTOMIZE_CONFIG = {
  nameReference: [
    {
      kind: "ConfigMap",
      version: "v1",
      fieldSpecs: [{ kind: "InferenceService", group: "serving.kserve.io", path: "spec/predictor/volumes/configMap/name" }],
    },
  ],
};

function canarySection(objects: KubeObject[]): string[] {
  const routes = objects.filter((o) => o.kind === "HTTPRoute");
  if (routes.length === 0) return [];
  const lines = [
    "",
    "## Canary rollouts",
    "",
    "A canary deployment runs two Deployments: `<name>` serves the registry alias `production`, `<name>-canary`",
    "serves `canary` (the version the pipeline's deploy step just registered). A Gateway API `HTTPRoute` splits the",
    "traffic between their Services by weight, so the declared share is the share of requests whatever the replica",
    "counts. It needs a Gateway API implementation (Envoy Gateway, Istio, Cilium, GKE, ...) and a Gateway the route",
    "attaches to (`--gateway NAMESPACE/NAME` when rendering; clients inside the cluster that call the stable Service",
    "directly bypass the split). At each step set the weights, watch the canary's metrics for the interval, then:",
    "`mlops rollout promote DEPLOYMENT` moves `production` to the canary version (set the weights back to 100/0), or",
    "`mlops rollout abort DEPLOYMENT` drops it (weights 100/0 at once).",
  ];
  for (const route of routes) {
    const a = route.metadata.annotations ?? {};
    const ns = route.metadata.namespace;
    const weights = String(a["mlops.dev/canary-weights"] ?? "").split(",");
    lines.push("", `\`${ns}/${route.metadata.name}\` (every ${a["mlops.dev/canary-interval-seconds"]}s):`, "");
    for (const weight of weights) {
      const canary = Number.parseInt(weight, 10);
      const [[stable]] = canaryWeights([canary / 100]) as [[number, number]];
      const patch = JSON.stringify([
        { op: "replace", path: "/spec/rules/0/backendRefs/0/weight", value: stable },
        { op: "replace", path: "/spec/rules/0/backendRefs/1/weight", value: canary },
      ]);
      lines.push(`    kubectl -n ${ns} patch httproute ${route.metadata.name} --type=json -p '${patch}'`);
    }
  }
  return lines;
}

/** What the pods need to reach the stores, as the README says it. */
export function storesSection(settings: Settings, objects: KubeObject[]): string[] {
  const claims = new Set(
    objects.flatMap((o) => JSON.stringify(o).match(/"claimName":"[^"]+"/g) ?? []).map((m) => m.slice('"claimName":"'.length, -1)),
  );
  return storesText(settings, claims);
}

function readme(base: Plan, settings: Settings, objects: KubeObject[], overlays: Array<[string, Overlay]>): string {
  const missing = Object.keys(base.envs)
    .filter((env) => !overlays.some(([name]) => name === env))
    .sort();
  const lines = [
    `<!-- ${headerLine(base, settings.hash)} -->`,
    "# Kubernetes manifests",
    "",
    "`base/` holds the objects for the default params; `overlays/<env>/` patches them for each env",
    "(`kubectl apply -k overlays/<env>`). Every object is built as data and written as YAML 1.1.",
    "",
    "## Before applying",
    "",
    ...storesSection(settings, objects),
    `- Namespaces used: ${planNamespaces(settings, objects)
      .map((ns) => `\`${ns}\``)
      .join(", ")}.`,
    "- Secrets are only referenced (`secretKeyRef`), each by the container that needs it; create them in the same namespaces.",
    "- Images must be pinned: the renderer refuses an untagged image or `:latest` (a mutable tag makes a rollout",
    "  unreproducible), so every image here is a fixed tag or digest.",
    "- The plan is a ConfigMap made by kustomize's `configMapGenerator`: its name carries a hash of its content, so a",
    "  running Job keeps the plan it started with and a new plan rolls out the servers.",
    "- Pods run under their own ServiceAccounts (no API token mounted); NetworkPolicies let them reach the cluster DNS",
    `  and TCP ${settings.egressPorts.join(", ")} (the stores, webhooks; \`--egress-ports\` lists others) only: narrow the \`to:\` of those`,
    "  rules to your stores' addresses in an overlay.",
    "",
    "## Steps",
    "",
    "Each schedule (the pipeline, every monitor, every batch deployment) is one pod whose containers are the plan's",
    "steps in order: init containers one after another, the last step as the main container. Each container has the",
    "step's declared resources; the pod's node selector and tolerations are the union of its steps', its",
    "`priorityClassName` the one PriorityClass its steps declare (`queue.priority_class`; the class must exist). Each",
    "step stops itself at its declared timeout (`mlops run-step` keeps it). A failed step is restarted in place",
    "(`restartPolicy: OnFailure`, `backoffLimit` = the sum of the steps' retries; the kubelet's restart back-off, 10 s",
    "doubling up to 5 min, stands in for `retry_delay`, which Kubernetes cannot set); steps already done are cache",
    "hits. `activeDeadlineSeconds` bounds the whole run (every attempt of every step at its timeout). Airflow pools",
    "and priority weights have no Kubernetes counterpart here (a queueing controller such as Kueue would be one).",
    "The run id of every step is the Job's name. An external trainer with its own image runs in that image between a",
    "`prepare` and a `collect` container that exchange the data and the model through an emptyDir.",
    `The pipeline's schedule is a CronJob (\`concurrencyPolicy: ${CRON_POLICY.concurrencyPolicy}\`, \`startingDeadlineSeconds: ${CRON_POLICY.startingDeadlineSeconds}\`, ${CRON_POLICY.successfulJobsHistoryLimit} successful and ${CRON_POLICY.failedJobsHistoryLimit} failed Jobs kept); without a`,
    "schedule it is a Job whose name carries the plan hash (a Job's pod template is immutable).",
    ...canarySection(objects),
    ...kserveSection(objects),
  ];
  lines.push("", "## Overlays", "");
  if (overlays.length === 0) lines.push("No env plans were given, so there are no overlays.");
  for (const [env, result] of overlays) {
    lines.push(`- \`${env}\`: ${result.patched.length} patched, ${result.added.length} added, ${result.removed.length} removed`);
  }
  if (missing.length > 0) {
    lines.push("", `Declared envs without an overlay (render from the sources to get them): ${missing.map((e) => `\`${e}\``).join(", ")}.`);
  }
  return `${lines.join("\n")}\n`;
}

/** Kustomize `base/` from the base plan and `overlays/<env>/` for every env plan given. */
export function renderKubernetesFiles(plans: KubernetesPlans, options: RenderOptions = {}): RenderedFile[] {
  const baseSettings = resolveSettings(plans.base, options);
  const baseObjects = kubernetesObjects(plans.base, baseSettings);
  const files: RenderedFile[] = [];
  const resources: string[] = [];
  for (const object of baseObjects) {
    const path = objectFile(object);
    resources.push(path);
    files.push({ path: `base/${path}`, content: objectYaml(plans.base, baseSettings.hash, object) });
  }
  const baseNamespaces = planNamespaces(baseSettings, baseObjects);
  files.push({ path: "base/plan.json", content: planText(plans.base) });
  files.push({ path: "base/kustomizeconfig.yaml", content: toYaml(KUSTOMIZE_CONFIG, hashComment(plans.base, baseSettings.hash)) });
  files.push({
    path: "base/kustomization.yaml",
    content: kustomization(plans.base, baseSettings.hash, {
      resources,
      configMapGenerator: planGenerator(plans.base, baseSettings, baseNamespaces),
      configurations: ["kustomizeconfig.yaml"],
    }),
  });
  const overlays: Array<[string, Overlay]> = [];
  for (const env of Object.keys(plans.envs).sort()) {
    const envPlan = plans.envs[env]!;
    const envSettings = resolveSettings(envPlan, { ...options, planHash: undefined });
    const envObjects = kubernetesObjects(envPlan, envSettings);
    const namespaces = planNamespaces(envSettings, envObjects);
    const generators = [
      ...planGenerator(
        envPlan,
        envSettings,
        namespaces.filter((ns) => baseNamespaces.includes(ns)),
        "replace",
      ),
      ...planGenerator(
        envPlan,
        envSettings,
        namespaces.filter((ns) => !baseNamespaces.includes(ns)),
      ),
    ];
    const result = overlay(envPlan, envSettings.hash, baseObjects, envObjects, {
      configMapGenerator: generators,
      configurations: ["kustomizeconfig.yaml"],
    });
    const dir = `overlays/${safeDirName(env)}`;
    files.push({ path: `${dir}/plan.json`, content: planText(envPlan) });
    files.push({ path: `${dir}/kustomizeconfig.yaml`, content: toYaml(KUSTOMIZE_CONFIG, hashComment(envPlan, envSettings.hash)) });
    for (const file of result.files) files.push({ path: `${dir}/${file.path}`, content: file.content });
    overlays.push([env, result]);
  }
  files.push({ path: "README.md", content: readme(plans.base, baseSettings, baseObjects, overlays) });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
