import type { Plan, Step } from "../plan/types.js";
import { kubeletLiteral, neutralizeJinja } from "./escape.js";
import { hashComment, headerLine, planText } from "./header.js";
import { compileTemplate, type TemplateFn } from "./helpers.js";
import { airflowKey, dnsLabel, RenderError } from "./names.js";
import {
  cpuQuantity,
  LAYOUT,
  memoryQuantity,
  resolveSettings,
  sortedEnv,
  stepEnv,
  stepGroups,
  type RenderOptions,
  type Settings,
  type StepGroup,
} from "./options.js";
import type { RenderedFile } from "./rendered-file.js";
import { AIRFLOW_DAG } from "./templates.js";
import { toYaml } from "./yaml-out.js";

let dagTemplate: TemplateFn | undefined;

function taskView(plan: Plan, step: Step) {
  const env = sortedEnv(stepEnv(plan, step), `step ${JSON.stringify(step.id)}`);
  return {
    stepId: step.id,
    stepArg: kubeletLiteral(step.id),
    taskId: airflowKey(step.id),
    podName: dnsLabel(step.id.replace(/\./g, "_"), 53),
    env: env.flatMap(([name, value]) => (value.kind === "literal" ? [{ name, value: kubeletLiteral(value.value) }] : [])),
    secrets: env.flatMap(([name, value]) => (value.kind === "secret" ? [{ envName: name, secret: value.name, key: value.key }] : [])),
  };
}

/** `needs` edges inside the group; a need on a step of another group is that group's schedule's business. */
function edges(group: StepGroup): Array<{ from: string; to: string }> {
  const ids = new Set(group.steps.map((step) => step.id));
  return group.steps.flatMap((step) =>
    [...step.needs]
      .filter((need) => ids.has(need))
      .sort()
      .map((need) => ({ from: need, to: step.id })),
  );
}

function dagId(plan: Plan, group: StepGroup): string {
  return airflowKey(group.group === "pipeline" ? plan.pipeline.name : `${plan.pipeline.name}.${group.group}`);
}

function dagView(plan: Plan, settings: Settings, group: StepGroup) {
  const tasks = group.steps.map((step) => taskView(plan, step));
  const what =
    group.group === "pipeline"
      ? "training pipeline"
      : group.group.startsWith("monitor.")
        ? `monitor ${group.subject}`
        : `batch scoring of ${group.subject}`;
  const description = `${plan.pipeline.description ?? plan.pipeline.name} (${what})`;
  const doc = plan.pipeline.doc ?? plan.pipeline.description ?? plan.pipeline.name;
  return {
    header: headerLine(plan, settings.hash),
    airflow3: settings.airflowVersion === 3,
    hasSecrets: tasks.some((task) => task.secrets.length > 0),
    image: settings.runtimeImage,
    namespace: settings.namespace,
    planPath: LAYOUT.planPath,
    workdir: LAYOUT.workdir,
    planDir: LAYOUT.planDir,
    storeDir: LAYOUT.storeDir,
    uid: settings.uid,
    partOf: dnsLabel(plan.pipeline.name),
    cpu: cpuQuantity(settings.stepResources.cpuMillis),
    memory: memoryQuantity(settings.stepResources.memoryBytes),
    configMap: settings.planConfigMap,
    storeClaim: settings.storeClaim,
    dagId: dagId(plan, group),
    description,
    // doc_md goes through Jinja in Airflow's UI (and a value ending in .md would be read as a file).
    docMd: neutralizeJinja(doc, [".md"]),
    cron: group.schedule?.kind === "cron" ? group.schedule.expression : null,
    everyMs: group.schedule?.kind === "every" ? group.schedule.intervalMs : null,
    startYear: settings.startDate.year,
    startMonth: settings.startDate.month,
    startDay: settings.startDate.day,
    hasOwner: plan.pipeline.owner !== undefined,
    owner: plan.pipeline.owner ?? "",
    retries: settings.retries,
    retryDelayMs: settings.retryDelayMs,
    timeoutMs: settings.executionTimeoutMs,
    tags: ["mlops", ...plan.pipeline.tags],
    tasks,
    edges: edges(group),
  };
}

function dagFileName(id: string): string {
  return `${id.replace(/\./g, "__")}.py`;
}

function readme(plan: Plan, settings: Settings, files: RenderedFile[]): string {
  const version = settings.airflowVersion === 3 ? "Airflow 3 (`airflow.sdk`)" : "Airflow 2.8 or later (`literal()` needs 2.8)";
  return [
    `<!-- ${headerLine(plan, settings.hash)} -->`,
    "# Airflow DAGs",
    "",
    `Copy \`dags/\` into the DAGs folder. Written for ${version} with \`apache-airflow-providers-cncf-kubernetes\` 7.5 or later.`,
    "",
    ...files.filter((f) => f.path.endsWith(".py")).map((f) => `- \`${f.path}\``),
    "",
    `- Every task runs \`mlops run-step\` in \`${settings.runtimeImage}\` in namespace \`${settings.namespace}\`, as uid ${settings.uid}`,
    "  with a read-only root filesystem and no capabilities.",
    `- Apply \`plan-configmap.yaml\` first: the tasks mount the plan from the ConfigMap \`${settings.planConfigMap}\`.`,
    `- The stores live on the PersistentVolumeClaim \`${settings.storeClaim}\` (referenced, not created).`,
    "- Secrets are provider `Secret` references to Kubernetes Secrets; create them in the namespace.",
    "- Values from the `.mlops` sources reach templated fields only through `literal()`, so Jinja never renders them.",
    "",
  ].join("\n");
}

/** One Airflow DAG file per step group (the pipeline, each monitor, each batch deployment) and the plan ConfigMap the tasks mount. */
export function renderAirflowFiles(plan: Plan, options: RenderOptions = {}): RenderedFile[] {
  const settings = resolveSettings(plan, options);
  dagTemplate ??= compileTemplate(AIRFLOW_DAG);
  const files: RenderedFile[] = [];
  const seen = new Set<string>();
  for (const group of stepGroups(plan)) {
    const view = dagView(plan, settings, group);
    const path = `dags/${dagFileName(view.dagId)}`;
    if (seen.has(path)) throw new RenderError(`two DAGs would be written to ${path}`);
    seen.add(path);
    files.push({ path, content: dagTemplate(view) });
  }
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: settings.planConfigMap,
      namespace: settings.namespace,
      labels: { "app.kubernetes.io/part-of": dnsLabel(plan.pipeline.name), "app.kubernetes.io/managed-by": "mlops" },
    },
    data: { "plan.json": planText(plan) },
  };
  files.push({ path: "plan-configmap.yaml", content: toYaml(configMap, hashComment(plan, settings.hash)) });
  files.push({ path: "README.md", content: readme(plan, settings, files) });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
