import type { Plan, Step } from "../plan/types.js";
import { kubeletLiteral, neutralizeJinja } from "./escape.js";
import { hashComment, headerLine, planText } from "./header.js";
import { AIRFLOW_TEMPLATE_EXTENSIONS, compileTemplate, type TemplateFn } from "./helpers.js";
import { stepsServiceAccount } from "./k8s-steps.js";
import { airflowKey, dnsLabel, RenderError } from "./names.js";
import {
  cpuQuantity,
  LAYOUT,
  memoryQuantity,
  resolveSettings,
  requireRuntimeImage,
  stepGroups,
  type RenderOptions,
  type Settings,
  type StepGroup,
} from "./options.js";
import { type PodStorage, stepStorage } from "./pod-storage.js";
import type { RenderedFile } from "./rendered-file.js";
import { storesText } from "./stores-readme.js";
import { RUN_ID, type Arg, type StepContainer, stepContainers, writableDirs } from "./step-containers.js";
import { AIRFLOW_DAG } from "./templates.js";
import { toYaml } from "./yaml-out.js";

let dagTemplate: TemplateFn | undefined;

/** The provider release line these DAGs are written for (`on_finish_action`, `automount_service_account_token`, Airflow 3). */
export const CNCF_KUBERNETES_PROVIDER_FLOOR = "10.5.0";

const RUN_ID_TEMPLATE = "{{ run_id }}";
const LOGICAL_DATE_TEMPLATE = "{{ logical_date.isoformat() if logical_date else '' }}";

// Container commands, arguments and env values reach the kubelet, which expands `$(VAR)`: `kubeletLiteral` keeps them exact.
function argsView(args: Arg[]) {
  return args.map((arg) => (arg === RUN_ID ? { runId: true, text: "" } : { runId: false, text: kubeletLiteral(arg) }));
}

/** A value for a field Airflow does not template must not look like a template to a provider that does. */
function untemplated(value: string, where: string): string {
  if (AIRFLOW_TEMPLATE_EXTENSIONS.some((ext) => value.endsWith(ext)) && /[{}]/.test(value))
    throw new RenderError(`${where}: ${JSON.stringify(value)} cannot be carried into an Airflow DAG unchanged`);
  return value;
}

function sizeView(container: StepContainer) {
  return { cpu: cpuQuantity(container.cpuMillis), memory: memoryQuantity(container.memoryBytes), gpu: container.gpu };
}

function envView(container: StepContainer) {
  return container.env.flatMap(([name, value]) => (value.kind === "literal" ? [{ name, value: kubeletLiteral(value.value) }] : []));
}

function secretView(container: StepContainer) {
  return container.env.flatMap(([name, value]) => (value.kind === "secret" ? [{ envName: name, secret: value.name, key: value.key }] : []));
}

function taskView(plan: Plan, settings: Settings, step: Step, storage: PodStorage) {
  const containers = stepContainers(plan, settings, step);
  const main = containers[containers.length - 1]!;
  const where = `step ${JSON.stringify(step.id)}`;
  const withLogicalDate = main.args.includes(RUN_ID) ? [{ name: "MLOPS_LOGICAL_DATE", value: LOGICAL_DATE_TEMPLATE }] : [];
  const gpu = step.execution.gpu > 0;
  const pool = step.execution.pool ?? (gpu ? (settings.gpuPool ?? settings.pool) : settings.pool);
  return {
    stepId: step.id,
    taskId: airflowKey(step.id),
    podName: dnsLabel(step.id.replace(/\./g, "_"), 53),
    image: main.image,
    cmds: main.command.map(kubeletLiteral),
    args: argsView(main.args),
    // LOGICAL_DATE is a template: it goes in unescaped, like RUN_ID.
    env: envView(main).map((e) => ({ name: e.name, value: e.value })),
    logicalDate: withLogicalDate.length > 0,
    secrets: secretView(main),
    ...sizeView(main),
    retries: step.execution.retries,
    retryDelayMs: step.execution.retryDelayMs,
    timeoutMs: step.execution.timeoutMs,
    nodeSelector: Object.entries(step.execution.nodeSelector).map(([key, value]) => ({ key, value: untemplated(value, where) })),
    tolerations: step.execution.tolerations.map((t) =>
      Object.entries(t)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value: String(value) })),
    ),
    initContainers: containers.slice(0, -1).map((c) => ({
      name: c.name,
      image: c.image,
      command: c.command.map(kubeletLiteral),
      args: argsView(c.args),
      env: envView(c),
      secrets: secretView(c),
      ...sizeView(c),
      ownImage: c.ownImage,
    })),
    outputs: storage.mounts
      .filter((m) => m.subPath !== undefined && writableDirs(plan, step).some((dir) => m.path === `${LAYOUT.workdir}/${dir}`))
      .map((m) => ({ volume: m.volume, path: m.path, subPath: m.subPath! })),
    ownImage: main.ownImage,
    pool: pool ?? "",
    poolSlots: step.execution.poolSlots ?? 1,
    hasPriority: step.execution.priorityWeight !== undefined,
    priorityWeight: step.execution.priorityWeight ?? 0,
    priorityClass: step.execution.priorityClass ?? "",
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

/** The plan ConfigMap's name carries the plan hash, so a running task never sees a newer plan. */
function planConfigMap(settings: Settings): string {
  return dnsLabel(`${settings.planConfigMap}-${settings.hash.slice(0, 10)}`, 63);
}

function dagView(plan: Plan, settings: Settings, group: StepGroup) {
  requireRuntimeImage(settings);
  const storage = stepStorage(plan, settings, group.steps);
  const tasks = group.steps.map((step) => taskView(plan, settings, step, storage));
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
    namespace: settings.namespace,
    runIdTemplate: RUN_ID_TEMPLATE,
    logicalDateTemplate: LOGICAL_DATE_TEMPLATE,
    planDir: LAYOUT.planDir,
    storeDir: LAYOUT.storeDir,
    exchangeDir: LAYOUT.exchangeDir,
    uid: settings.uid,
    startupTimeout: settings.startupTimeoutSeconds,
    partOf: dnsLabel(plan.pipeline.name),
    serviceAccount: stepsServiceAccount(plan),
    configMap: planConfigMap(settings),
    volumes: storage.volumes.map((v) => ({ name: v.name, claim: v.claim ?? "", sizeLimit: v.sizeLimit ?? "" })),
    // outputs are mounted per task (only the batch task writes its folder)
    storeMounts: storage.mounts.filter((m) => m.subPath === undefined),
    storeEnv: storage.env.map((e) =>
      "value" in e ? { name: e.name, value: e.value, secret: null } : { name: e.name, value: "", secret: e.secret },
    ),
    dagId: dagId(plan, group),
    description,
    // doc_md goes through Jinja in Airflow's UI (and a value ending in .md would be read as a file).
    docMd: neutralizeJinja(doc, [".md"]),
    cron: group.schedule?.kind === "cron" ? group.schedule.expression : null,
    everyMs: group.schedule?.kind === "every" ? group.schedule.intervalMs : null,
    startYear: settings.startDate.year,
    startMonth: settings.startDate.month,
    startDay: settings.startDate.day,
    catchup: settings.catchup,
    hasOwner: plan.pipeline.owner !== undefined,
    owner: plan.pipeline.owner ?? "",
    tags: ["mlops", ...plan.pipeline.tags],
    tasks,
    edges: edges(group),
  };
}

function dagFileName(id: string): string {
  return `${id.replace(/\./g, "__")}.py`;
}

function readme(plan: Plan, settings: Settings, files: RenderedFile[]): string {
  const version = settings.airflowVersion === 3 ? "Airflow 3.0 or later (`airflow.sdk`)" : "Airflow 2.10 or later";
  return [
    `<!-- ${headerLine(plan, settings.hash)} -->`,
    "# Airflow DAGs",
    "",
    `Copy \`dags/\` into the DAGs folder. Written for ${version} with \`apache-airflow-providers-cncf-kubernetes\``,
    `${CNCF_KUBERNETES_PROVIDER_FLOOR} or later (the first release line for Airflow 3; older ones lack arguments these DAGs pass).`,
    "",
    ...files.filter((f) => f.path.endsWith(".py")).map((f) => `- \`${f.path}\``),
    "",
    `- Every task runs \`mlops run-step --run-id <the Airflow run id>\` in \`${requireRuntimeImage(settings)}\` in namespace`,
    `  \`${settings.namespace}\`, as uid ${settings.uid} with a read-only root filesystem and no capabilities; one DAG run is one`,
    "  run in `mlops runs list`. The logical date reaches the step as `MLOPS_LOGICAL_DATE`.",
    "- Each task has its step's resources, retries, retry delay, node selector and tolerations from the",
    "  `.mlops` sources, and its `queue`: the pool (create it in Airflow first) and pool slots, the priority weight",
    "  (`weight_rule` absolute: the weight as declared) and the pod's PriorityClass (it must exist in the cluster).",
    `  Pods may take ${settings.startupTimeoutSeconds}s to start (the image is large). The step's timeout is kept by`,
    "  `mlops run-step` inside the pod (it stops the step with an error naming the limit); the task's",
    "  `execution_timeout` is that timeout plus the start-up allowance, so a slow image pull does not eat into it.",
    `- \`catchup=${settings.catchup ? "True" : "False"}\`${settings.catchup ? " (missed intervals since the start date are run)" : " (render with --catchup to backfill missed intervals)"}.`,
    `- Apply \`plan-configmap.yaml\` first: the tasks mount the plan from the ConfigMap \`${planConfigMap(settings)}\`, whose name carries`,
    "  the plan hash, so a running task never sees a newer plan.",
    ...storesText(
      settings,
      new Set(stepGroups(plan).flatMap((group) => stepStorage(plan, settings, group.steps).volumes.flatMap((v) => v.claim ?? []))),
    ),
    `- Pods run as the ServiceAccount \`${stepsServiceAccount(plan)}\` without an API token (create it, or apply the Kubernetes render).`,
    "- Secrets are provider `Secret` references to Kubernetes Secrets, given only to the step that needs them.",
    "- An external trainer with its own image runs in that image as an init container, between a `prepare` and a",
    "  `collect` step of the runtime image that exchange the data and the model through an emptyDir.",
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
      name: planConfigMap(settings),
      namespace: settings.namespace,
      labels: { "app.kubernetes.io/part-of": dnsLabel(plan.pipeline.name), "app.kubernetes.io/managed-by": "mlops" },
      annotations: { "mlops.dev/plan-hash": settings.hash },
    },
    data: { "plan.json": planText(plan) },
  };
  files.push({ path: "plan-configmap.yaml", content: toYaml(configMap, hashComment(plan, settings.hash)) });
  files.push({ path: "README.md", content: readme(plan, settings, files) });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
