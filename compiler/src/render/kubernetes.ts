import type { Plan } from "../plan/types.js";
import { headerLine } from "./header.js";
import { kubernetesObjects, type KubeObject } from "./k8s-objects.js";
import { kustomization, objectFile, objectYaml, overlay, type Overlay } from "./kustomize.js";
import { RenderError } from "./names.js";
import { resolveSettings, type RenderOptions, type Settings } from "./options.js";
import type { RenderedFile } from "./rendered-file.js";

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

function readme(base: Plan, settings: Settings, objects: KubeObject[], overlays: Array<[string, Overlay]>): string {
  const missing = Object.keys(base.envs)
    .filter((env) => !overlays.some(([name]) => name === env))
    .sort();
  const canaries = objects.filter((o) => o.kind === "Deployment" && o.metadata.labels?.["mlops.dev/track"] === "canary");
  const lines = [
    `<!-- ${headerLine(base, settings.hash)} -->`,
    "# Kubernetes manifests",
    "",
    "`base/` holds the objects for the default params; `overlays/<env>/` patches them for each env",
    "(`kubectl apply -k overlays/<env>`). Every object is built as data and written as YAML 1.1.",
    "",
    "## Before applying",
    "",
    `- The artifact and metadata stores live on a PersistentVolumeClaim named \`${settings.storeClaim}\`, mounted at`,
    "  `/srv/mlops/.mlops`. It is referenced, not created (its storage class and size are cluster policy): create a",
    "  ReadWriteMany claim with that name in every namespace below.",
    `- Namespaces used: ${[...new Set(objects.map((o) => o.metadata.namespace))]
      .sort()
      .map((ns) => `\`${ns}\``)
      .join(", ")}.`,
    "- Secrets are only referenced (`secretKeyRef`); create them in the same namespaces.",
    "- Images must be pinned: the renderer refuses an untagged image or `:latest` (a mutable tag makes a rollout",
    "  unreproducible), so every image here is a fixed tag or digest.",
    "- The training Job's name carries the plan hash: a Job's pod template is immutable, so a new plan is a new Job.",
  ];
  if (canaries.length > 0) {
    lines.push("", "## Canary rollouts", "");
    lines.push("A canary Deployment (`<name>-canary`, label `mlops.dev/track: canary`) runs next to the stable one and shares");
    lines.push("its Service, so traffic splits by ready replicas. Its annotations give the weights, the canary replica count");
    lines.push("per step and the interval. At each step scale the canary to the next count and wait the interval; after the");
    lines.push("last step promote the model (`mlops models promote`), restart the stable Deployment and scale the canary to 0.");
    for (const canary of canaries) {
      const a = canary.metadata.annotations ?? {};
      lines.push(
        `- \`${canary.metadata.namespace}/${canary.metadata.name}\`: weights ${a["mlops.dev/canary-weights"]}, canary replicas ${a["mlops.dev/canary-replicas"]}, every ${a["mlops.dev/canary-interval-seconds"]}s`,
      );
    }
  }
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
  files.push({ path: "base/kustomization.yaml", content: kustomization(plans.base, baseSettings.hash, { resources }) });
  const overlays: Array<[string, Overlay]> = [];
  for (const env of Object.keys(plans.envs).sort()) {
    const envPlan = plans.envs[env]!;
    const envSettings = resolveSettings(envPlan, { ...options, planHash: undefined });
    const result = overlay(envPlan, envSettings.hash, baseObjects, kubernetesObjects(envPlan, envSettings));
    const dir = `overlays/${safeDirName(env)}`;
    for (const file of result.files) files.push({ path: `${dir}/${file.path}`, content: file.content });
    overlays.push([env, result]);
  }
  files.push({ path: "README.md", content: readme(plans.base, baseSettings, baseObjects, overlays) });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
