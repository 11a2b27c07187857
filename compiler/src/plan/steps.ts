import { canonicalJson } from "../util/canonical-json.js";
import { sha256Hex } from "../util/sha256.js";
import { DEFAULT_EXECUTION } from "./execution.js";
import type { DeploymentSpec, FeatureSetSpec, GateSpec, ModelSpec, MonitorSpec, Plan, Step, StepExecution, StepKind } from "./types.js";
import { count } from "../util/count.js";

/** Everything of a plan but its steps: what the DAG is derived from. */
export type PlanDeclarations = Omit<Plan, "steps">;

interface StepDraft {
  id: string;
  kind: StepKind;
  group: string;
  subject: Step["subject"];
  description: string;
  needs: string[];
  inputs: Record<string, string>;
  outputs: string[];
  /** The slice of the plan this step's result depends on (besides what it needs). */
  config: unknown;
  cacheable: boolean;
}

/**
 * Derives the step DAG from the resolved declarations.
 *
 * The training DAG (`group: "pipeline"`): for every model
 *   ingest.S → validate.S → split.M → fit_features.M → train.M → evaluate.M
 *   → gate.G (each gate of M) → register.M → deploy.D (each deployment of M).
 * Batch scoring (`batch.D`) and monitors (`monitor.X`) are single steps on
 * their own schedules; they read the model aliased `production` from the
 * registry at run time, so they have no `needs` into the training DAG.
 */
export function buildSteps(
  plan: PlanDeclarations,
  execution: (step: Pick<Step, "kind" | "subject">) => StepExecution = () => DEFAULT_EXECUTION,
): Step[] {
  const drafts: StepDraft[] = [];
  const trainingSources = [...new Set(sorted(plan.models).map((m) => m.source))].sort();
  for (const source of trainingSources) drafts.push(...sourceSteps(plan, source));
  for (const model of sorted(plan.models)) drafts.push(...modelSteps(plan, model));
  for (const deployment of sorted(plan.deployments)) drafts.push(...deploymentSteps(deployment));
  for (const monitor of sorted(plan.monitors)) drafts.push(monitorStep(plan, monitor));
  return withCacheKeys(drafts, execution);
}

function sorted<T extends { name: string }>(record: Record<string, T>): T[] {
  return Object.values(record).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function sourceSteps(plan: PlanDeclarations, name: string): StepDraft[] {
  const source = plan.sources[name]!;
  const subject = { kind: "source", name } as const;
  return [
    {
      id: `ingest.${name}`,
      kind: "ingest",
      group: "pipeline",
      subject,
      description:
        source.format === "postgres"
          ? `run the query of \`${name}\` on PostgreSQL and type every row by its schema`
          : `read ${source.path} (${source.format}) and type every row by the schema of \`${name}\``,
      needs: [],
      inputs: { file: source.path },
      outputs: [`ingest.${name}/dataset`, `ingest.${name}/bad_rows`],
      config: {
        format: source.format,
        path: source.path,
        columns: source.columns,
        badRows: source.badRows,
        ...(source.query !== undefined && { query: source.query, connection: source.connection ?? {} }),
      },
      cacheable: true,
    },
    {
      id: `validate.${name}`,
      kind: "validate",
      group: "pipeline",
      subject,
      description: `check ${count(source.expectations.length, "expectation")} of \`${name}\` and write the data report`,
      needs: [`ingest.${name}`],
      inputs: { dataset: `ingest.${name}/dataset` },
      outputs: [`validate.${name}/report`],
      config: { expectations: source.expectations },
      cacheable: true,
    },
  ];
}

function modelSteps(plan: PlanDeclarations, model: ModelSpec): StepDraft[] {
  const m = model.name;
  const subject = { kind: "model", name: m } as const;
  const featureSet = plan.featureSets[model.featureSet];
  const gates = sorted(plan.gates).filter((g) => g.model === m);
  const steps: StepDraft[] = [
    {
      id: `split.${m}`,
      kind: "split",
      group: "pipeline",
      subject,
      description: `split \`${model.source}\` into train/test (${Math.round(model.split.test * 100)}% test, seed ${model.split.seed}${model.split.stratify ? ", stratified" : ""})`,
      needs: [`validate.${model.source}`],
      inputs: { dataset: `ingest.${model.source}/dataset`, report: `validate.${model.source}/report` },
      outputs: [`split.${m}/train`, `split.${m}/test`],
      config: { split: model.split, target: model.target, task: model.task },
      cacheable: true,
    },
    {
      id: `fit_features.${m}`,
      kind: "fit_features",
      group: "pipeline",
      subject,
      description: `fit the stateful transforms of \`${model.featureSet}\` on the training split`,
      needs: [`split.${m}`],
      inputs: { train: `split.${m}/train` },
      outputs: [`fit_features.${m}/transforms`],
      config: { features: featureSet?.features ?? [], inputs: model.inputs },
      cacheable: true,
    },
    ...(model.search ? [searchStep(model, featureSet)] : []),
    {
      id: `train.${m}`,
      kind: "train",
      group: "pipeline",
      subject,
      description: trainDescription(model),
      needs: model.search ? [`fit_features.${m}`, `search.${m}`] : [`fit_features.${m}`],
      inputs: {
        train: `split.${m}/train`,
        transforms: `fit_features.${m}/transforms`,
        ...(model.search ? { search: `search.${m}/result` } : {}),
      },
      outputs: [`train.${m}/model`],
      config: { trainer: model.trainer, task: model.task, target: model.target },
      cacheable: true,
    },
    {
      id: `evaluate.${m}`,
      kind: "evaluate",
      group: "pipeline",
      subject,
      description: `compute the ${model.task.replace(/_/g, " ")} metrics and latency of \`${m}\` on the test split`,
      needs: [`train.${m}`],
      inputs: { test: `split.${m}/test`, transforms: `fit_features.${m}/transforms`, model: `train.${m}/model` },
      outputs: [`evaluate.${m}/metrics`],
      config: { task: model.task, fairnessBy: fairnessColumns(gates) },
      cacheable: true,
    },
  ];
  for (const gate of gates) steps.push(gateStep(gate));
  steps.push({
    id: `register.${m}`,
    kind: "register",
    group: "pipeline",
    subject,
    description:
      gates.length > 0
        ? `register \`${m}\` in the model registry if ${gates.map((g) => `gate \`${g.name}\``).join(" and ")} passed`
        : `register \`${m}\` in the model registry`,
    needs: gates.length > 0 ? gates.map((g) => `gate.${g.name}`) : [`evaluate.${m}`],
    inputs: { model: `train.${m}/model`, transforms: `fit_features.${m}/transforms`, metrics: `evaluate.${m}/metrics` },
    outputs: [`register.${m}/version`],
    config: { model: m },
    cacheable: false,
  });
  return steps;
}

/**
 * search.M: validates every candidate on the training split only (k folds or a validation share,
 * features fitted on each fold's training part) and picks the best by the search metric.
 */
function searchStep(model: ModelSpec, featureSet: FeatureSetSpec | undefined): StepDraft {
  const m = model.name;
  const search = model.search!;
  const how =
    search.validation.kind === "folds"
      ? `${search.validation.folds}-fold cross-validation`
      : `a ${Math.round(search.validation.share * 100)}% validation share`;
  return {
    id: `search.${m}`,
    kind: "search",
    group: "pipeline",
    subject: { kind: "model", name: m },
    description: `validate ${search.candidates.length} candidate trainers of \`${m}\` by ${how} of the training split; pick the best ${search.metric}`,
    needs: [`split.${m}`],
    inputs: { train: `split.${m}/train` },
    outputs: [`search.${m}/result`],
    config: {
      search,
      features: featureSet?.features ?? [],
      inputs: model.inputs,
      task: model.task,
      target: model.target,
      split: { seed: model.split.seed, stratify: model.split.stratify },
    },
    cacheable: true,
  };
}

function trainDescription(model: ModelSpec): string {
  if (model.search)
    return `refit the best of ${model.search.candidates.length} candidates of \`${model.name}\` on the whole training split and export ONNX`;
  const trainer = model.trainer;
  if (trainer.kind === "external") return `run \`${trainer.command.join(" ")}\` and take its ONNX output`;
  if (trainer.kind === "pretrained") return `check and store the pretrained model ${trainer.path}`;
  return `train \`${model.name}\` with ${trainer.kind} (${trainer.epochs} epochs) and export ONNX`;
}

function fairnessColumns(gates: GateSpec[]): string[] {
  return [...new Set(gates.flatMap((g) => g.rules.flatMap((r) => (r.by ? [r.by] : []))))].sort();
}

function gateStep(gate: GateSpec): StepDraft {
  const usesChampion = gate.rules.some((r) => r.usesChampion);
  return {
    id: `gate.${gate.name}`,
    kind: "gate",
    group: "pipeline",
    subject: { kind: "gate", name: gate.name },
    description: `evaluate ${count(gate.rules.length, "rule")} of gate \`${gate.name}\`${usesChampion ? " against the production champion" : ""}`,
    needs: [`evaluate.${gate.model}`],
    inputs: { metrics: `evaluate.${gate.model}/metrics` },
    outputs: [`gate.${gate.name}/verdict`],
    config: { rules: gate.rules, onNoChampion: gate.onNoChampion },
    cacheable: !usesChampion,
  };
}

function deploymentSteps(deployment: DeploymentSpec): StepDraft[] {
  const d = deployment.name;
  const subject = { kind: "deployment", name: d } as const;
  const steps: StepDraft[] = [
    {
      id: `deploy.${d}`,
      kind: "deploy",
      group: "pipeline",
      subject,
      description: `alias the registered \`${deployment.model}\` as \`production\` for ${deployment.target.kind} deployment \`${d}\``,
      needs: [`register.${deployment.model}`],
      inputs: { version: `register.${deployment.model}/version` },
      outputs: [`deploy.${d}/release`],
      config: { deployment },
      cacheable: false,
    },
  ];
  if (deployment.target.kind === "batch") {
    steps.push({
      id: `batch_predict.${d}`,
      kind: "batch_predict",
      group: `batch.${d}`,
      subject,
      description: `score \`${deployment.target.input}\` with the production \`${deployment.model}\` into ${deployment.target.output}`,
      needs: [],
      inputs: { model: `registry:${deployment.model}@production`, data: `source:${deployment.target.input}` },
      outputs: [`batch_predict.${d}/predictions`],
      config: { deployment },
      cacheable: false,
    });
  }
  return steps;
}

function monitorStep(plan: PlanDeclarations, monitor: MonitorSpec): StepDraft {
  const reference =
    monitor.reference.kind === "training" ? `registry:${monitor.model}@production/training_data` : `source:${monitor.reference.source}`;
  return {
    id: `monitor.${monitor.name}`,
    kind: "monitor",
    group: `monitor.${monitor.name}`,
    subject: { kind: "monitor", name: monitor.name },
    description: `compare the last ${humanDuration(monitor.windowMs)} of \`${monitor.deployment}\` traffic with ${monitor.reference.kind === "training" ? "the training data" : `\`${monitor.reference.source}\``} and apply ${monitor.policies.length} polic${monitor.policies.length === 1 ? "y" : "ies"}`,
    needs: [],
    inputs: { reference, current: `requests:${monitor.deployment}` },
    outputs: [`monitor.${monitor.name}/report`],
    config: { monitor, model: plan.models[monitor.model]?.name },
    cacheable: false,
  };
}

function humanDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [604_800_000, "w"],
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "m"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Cache key = sha256(kind, id, config, keys of the needed steps); drafts arrive in topological order. */
function withCacheKeys(drafts: StepDraft[], execution: (step: Pick<Step, "kind" | "subject">) => StepExecution): Step[] {
  const keys = new Map<string, string>();
  const dataDependent = new Map<string, boolean>();
  return drafts.map((draft) => {
    const needKeys = draft.needs.map((need) => keys.get(need) ?? need);
    const cacheKey = sha256Hex(canonicalJson({ kind: draft.kind, id: draft.id, config: draft.config, needs: needKeys }));
    const dependsOnData = draft.kind === "ingest" || draft.needs.some((need) => dataDependent.get(need) === true);
    keys.set(draft.id, cacheKey);
    dataDependent.set(draft.id, dependsOnData);
    return {
      id: draft.id,
      kind: draft.kind,
      group: draft.group,
      subject: draft.subject,
      description: draft.description,
      needs: draft.needs,
      inputs: draft.inputs,
      outputs: draft.outputs,
      cacheKey,
      dataDependent: dependsOnData,
      cacheable: draft.cacheable,
      execution: execution(draft),
    };
  });
}
