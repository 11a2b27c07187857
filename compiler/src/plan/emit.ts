import type { Program } from "../program/program.js";
import type { ConstValue, ResolvedFeature, ResolvedModel, SemanticModel } from "../program/semantic-model.js";
import { basename, isObjectUrl, relativePath, resolveRelative } from "../host/paths.js";
import { canonicalJson } from "../util/canonical-json.js";
import { sha256Hex } from "../util/sha256.js";
import { VERSION } from "../version.js";
import { literalExpr } from "./expr.js";
import { stepExecutions } from "./execution.js";
import { buildSteps, type PlanDeclarations } from "./steps.js";
export { serializePlan, planHash } from "./serialize.js";
import type {
  DeploymentSpec,
  FeatureSetSpec,
  FeatureSpec,
  GateSpec,
  ModelSpec,
  MonitorSpec,
  NotifierSpec,
  ParamSpec,
  ParamValue,
  PipelineSpec,
  Plan,
  SourceSpec,
  TrainerSpec,
} from "./types.js";
import { PLAN_VERSION } from "./types.js";

export interface EmitOptions {
  /** Absolute path of the project root: plan paths are made relative to it. */
  projectRoot: string;
  /** The env whose param values are inlined (null: the declared defaults). */
  env: string | null;
}

/**
 * Lowers a checked program's semantic model to the portable plan. The caller
 * checks first: a program with errors has no meaningful plan.
 */
export function emitPlan(program: Program, options: EmitOptions): Plan {
  const model = program.model(options.env ?? undefined);
  const emitter = new PlanEmitter(model, options.projectRoot);
  const declarations = emitter.declarations(options.env);
  return { ...declarations, steps: buildSteps(declarations, stepExecutions(model)) };
}

class PlanEmitter {
  constructor(
    private readonly model: SemanticModel,
    private readonly projectRoot: string,
  ) {}

  declarations(env: string | null): PlanDeclarations {
    const featureSets = this.featureSets();
    const models: Record<string, ModelSpec> = {};
    for (const m of Object.values(this.model.models)) {
      const spec = this.modelSpec(m, featureSets);
      models[m.name] = spec;
    }
    return {
      planVersion: PLAN_VERSION,
      compiler: { name: "mlops", version: VERSION },
      pipeline: this.pipeline(),
      sourceHash: this.sourceHash(),
      env,
      envs: Object.fromEntries(Object.entries(this.model.envs).map(([name, values]) => [name, mapValues(values, toParamValue)])),
      params: this.params(),
      sources: this.sources(),
      featureSets,
      models,
      gates: this.gates(),
      deployments: this.deployments(),
      monitors: this.monitors(),
      notifiers: this.notifiers(),
    };
  }

  /** A path of the project, relative to its root (POSIX). */
  private projectPath(absolute: string): string {
    return relativePath(this.projectRoot, absolute);
  }

  /** A path written in `file`, made relative to the project root. */
  private pathWrittenIn(file: string, written: string): string {
    if (isObjectUrl(written)) return written;
    return this.projectPath(resolveRelative(file, written));
  }

  private pipeline(): PipelineSpec {
    const p = this.model.pipeline;
    if (!p) return { name: "unnamed", tags: [] };
    return {
      name: p.name,
      ...(p.owner !== undefined && { owner: p.owner }),
      ...(p.description !== undefined && { description: p.description }),
      ...(p.doc !== undefined && { doc: p.doc }),
      ...(p.schedule !== undefined && { schedule: p.schedule }),
      tags: p.tags,
    };
  }

  /** sha256 over (path, content) of every file of the compilation, sorted by path. */
  private sourceHash(): string {
    const entries = this.model.sourceFiles
      .map((f) => [f.isStdlib ? `std:${basename(f.path)}` : this.projectPath(f.path), f.text] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return sha256Hex(canonicalJson(entries));
  }

  private params(): Record<string, ParamSpec> {
    const out: Record<string, ParamSpec> = {};
    for (const p of Object.values(this.model.params)) {
      if (p.value === undefined) continue;
      out[p.name] = { type: p.typeText, value: toParamValue(p.value) };
    }
    return out;
  }

  private sources(): Record<string, SourceSpec> {
    const out: Record<string, SourceSpec> = {};
    for (const s of Object.values(this.model.sources)) {
      out[s.name] = {
        name: s.name,
        format: s.format,
        path: s.format === "postgres" ? "" : isObjectUrl(s.path) ? s.path : this.projectPath(s.resolvedPath),
        ...(s.query !== undefined && { query: s.query }),
        ...(Object.keys(s.connection).length > 0 && { connection: s.connection }),
        columns: s.columns,
        expectations: s.expectations.map((e) => ({ text: e.text, expr: this.model.lowerExpr(e.expr) })),
        badRows: s.badRows,
      };
    }
    return out;
  }

  private featureSpec(setName: string, feature: ResolvedFeature): FeatureSpec {
    return {
      name: feature.name,
      type: feature.type,
      expr: this.model.lowerExpr(feature.expr, `${setName}.${feature.name}`),
      stateful: feature.stateful,
      columns: feature.columns,
    };
  }

  private featureSets(): Record<string, FeatureSetSpec> {
    const out: Record<string, FeatureSetSpec> = {};
    for (const set of Object.values(this.model.featureSets)) {
      out[set.name] = {
        name: set.name,
        source: set.source,
        features: set.features.map((f) => this.featureSpec(set.name, f)),
        synthesized: false,
      };
    }
    return out;
  }

  /**
   * `features = [s.x, tx.amount_z]`: the compiler makes a feature set for the
   * model — source columns as plain column features, and each named feature
   * with the features it reads, in dependency order.
   */
  private synthesizedSet(m: ResolvedModel): FeatureSetSpec {
    const features: FeatureSpec[] = [];
    const seen = new Set<string>();
    const addFeature = (setName: string, name: string): void => {
      if (seen.has(name)) return;
      const set = this.model.featureSets[setName];
      const feature = set?.features.find((f) => f.name === name);
      if (!feature) return;
      for (const dependency of feature.features) addFeature(setName, dependency);
      seen.add(name);
      features.push(this.featureSpec(setName, feature));
    };
    for (const input of m.inputs) {
      if (input.featureSet) addFeature(input.featureSet, input.name);
      else if (!seen.has(input.name)) {
        seen.add(input.name);
        features.push({
          name: input.name,
          type: input.type,
          expr: { nodes: [{ op: "ref", scope: "column", name: input.column ?? input.name }] },
          stateful: false,
          columns: [input.column ?? input.name],
        });
      }
    }
    return { name: `${m.name}__inputs`, source: m.source, features, synthesized: true };
  }

  private modelSpec(m: ResolvedModel, featureSets: Record<string, FeatureSetSpec>): ModelSpec {
    let featureSet = m.featureSet;
    if (featureSet === undefined) {
      const synthesized = this.synthesizedSet(m);
      featureSets[synthesized.name] = synthesized;
      featureSet = synthesized.name;
    }
    return {
      name: m.name,
      task: m.task,
      source: m.source,
      featureSet,
      inputs: m.layout,
      inputWidth: m.inputWidth,
      target: m.target,
      split: m.split,
      trainer: this.trainer(m),
      ...(m.search ? { search: m.search } : {}),
    };
  }

  private trainer(m: ResolvedModel): TrainerSpec {
    const trainer = m.trainer;
    if (trainer.kind === "pretrained") {
      const file = m.fields.trainer?.file ?? m.file;
      return { ...trainer, path: this.pathWrittenIn(file, trainer.path) };
    }
    return trainer;
  }

  private gates(): Record<string, GateSpec> {
    const out: Record<string, GateSpec> = {};
    for (const g of Object.values(this.model.gates)) {
      out[g.name] = {
        name: g.name,
        model: g.model,
        onNoChampion: g.onNoChampion,
        rules: g.rules.map((r) => ({
          text: r.text,
          metric: r.metric,
          ...(r.by !== undefined && { by: r.by }),
          comparison: r.comparison,
          threshold: r.thresholdValue !== undefined ? literalExpr(r.thresholdValue) : this.model.lowerExpr(r.threshold),
          better: r.better,
          unit: r.unit,
          usesChampion: r.usesChampion,
        })),
      };
    }
    return out;
  }

  private deployments(): Record<string, DeploymentSpec> {
    const out: Record<string, DeploymentSpec> = {};
    for (const d of Object.values(this.model.deployments)) {
      const target =
        d.target.kind === "batch"
          ? { ...d.target, output: this.pathWrittenIn(d.fields.target?.file ?? d.file, d.target.output) }
          : d.target;
      out[d.name] = {
        name: d.name,
        model: d.model,
        ...(d.gate !== undefined && { gate: d.gate }),
        target,
        endpoint: d.endpoint,
        rollout: d.rollout,
        envVars: d.envVars,
      };
    }
    return out;
  }

  private monitors(): Record<string, MonitorSpec> {
    const out: Record<string, MonitorSpec> = {};
    for (const m of Object.values(this.model.monitors)) {
      out[m.name] = {
        name: m.name,
        deployment: m.deployment,
        model: m.model,
        reference: m.reference,
        windowMs: m.windowMs,
        ...(m.timestampColumn ? { timestampColumn: m.timestampColumn } : {}),
        ...(m.labels ? { labels: m.labels } : {}),
        schedule: m.schedule,
        drift: m.drift,
        policies: m.policies.map((p) => ({
          text: p.text,
          condition: this.model.lowerExpr(p.condition),
          action: p.action,
          cooldownMs: p.cooldownMs,
        })),
      };
    }
    return out;
  }

  private notifiers(): Record<string, NotifierSpec> {
    const out: Record<string, NotifierSpec> = {};
    for (const n of Object.values(this.model.notifiers))
      out[n.name] = { name: n.name, webhook: n.webhook, format: n.format, timeoutMs: n.timeoutMs, retries: n.retries };
    return out;
  }
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

function toParamValue(value: ConstValue): ParamValue {
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(toParamValue);
  if (value.kind === "secret") return `secret(${value.name}, ${value.key})`;
  if (value.kind === "schedule") return value.schedule.kind === "cron" ? value.schedule.expression : value.schedule.intervalMs;
  return canonicalJson(value.fields);
}
