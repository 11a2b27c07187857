/**
 * The resolved semantic model of a checked program, for one env: what the plan
 * emitter walks. Templates are merged, params substituted, quantities
 * normalised (durations ms, cpu millicores, memory bytes, ratios 0..1), names
 * resolved — the emitter re-implements no language rule.
 */
import type {
  ColumnSpec,
  Comparison,
  DataFormat,
  DriftMethod,
  DriftRule,
  EnvValue,
  FeatureType,
  InputSlot,
  LabelsSpec,
  NotifierSpec,
  OnnxSignature,
  PlanExpr,
  PolicyAction,
  RolloutSpec,
  Schedule,
  SearchSpec,
  TargetSpec,
  Task,
  TrainerSpec,
  ValueType,
} from "../plan/types.js";
import type { BlockDeclaration, Expr } from "../syntax/ast.js";
import { PlanExprBuilder } from "../plan/expr.js";
import { printExpr } from "../format/print-expr.js";
import { DRIFT_METHODS, METRICS, MONITOR_SIGNALS, STATEFUL_FUNCTIONS } from "../checker/catalog.js";
import type { DeclResult } from "../checker/context.js";
import type { FeatureSetInfo, ModelInfo, SourceInfo } from "../checker/infos.js";
import type { MergedDecl, MergedValue } from "../checker/merge.js";
import { unwrapParens } from "../checker/merge.js";
import { pretrainedSignatures } from "../checker/models.js";
import type { FieldSpec, Slot } from "../checker/schema.js";
import { BLOCK_FIELDS } from "../checker/schema.js";
import type { BlockSymbol, DeclSymbol, SemanticSymbol, SymbolTable } from "../checker/symbols.js";
import type { DeclKind, Type } from "../checker/types.js";
import { UNKNOWN, toFeatureType, toValueType } from "../checker/types.js";
import type { QuantityKind } from "../checker/units.js";
import { defaultKindOfUnit, normalizeQuantity } from "../checker/units.js";
import { resolveSearch } from "./search-spec.js";
import type { ProgramFile } from "./source-files.js";

/** A constant value, normalised. Bare words (`csv`, `training`) and declaration names are strings. */
export type ConstValue =
  | number
  | string
  | boolean
  | ConstValue[]
  | { kind: "record"; fields: Record<string, ConstValue> }
  | { kind: "constructor"; name: string; fields: Record<string, ConstValue> }
  | { kind: "secret"; name: string; key: string }
  | { kind: "schedule"; schedule: Schedule };

export interface ResolvedField {
  name: string;
  /** The value as written (where it was written: this declaration or a template). */
  expr: Expr;
  file: string;
  type: Type;
  /** Normalised constant value for the env; undefined when not a constant. */
  value: ConstValue | undefined;
  /** Records and constructors: their fields, merged key by key. */
  fields?: Record<string, ResolvedField>;
  constructorName?: string;
}

export interface ResolvedDeclaration {
  name: string;
  kind: DeclKind;
  file: string;
  doc?: string;
  node: BlockDeclaration;
  /** Templates it extends, nearest first. */
  extends: string[];
  fields: Record<string, ResolvedField>;
}

export interface ResolvedSource extends ResolvedDeclaration {
  format: DataFormat;
  /** As written (relative to the declaring file). */
  path: string;
  /** The data path resolved against the declaring file (host path). */
  resolvedPath: string;
  /** `format = postgres`: the SQL query. */
  query?: string;
  /** `connection = { ... }`: literal strings or secret references. */
  connection: Record<string, EnvValue>;
  columns: ColumnSpec[];
  expectations: Array<{ expr: Expr; file: string; text: string }>;
  badRows: { policy: "fail" | "drop"; maxBadRows: number };
}

export interface ResolvedFeature {
  name: string;
  type: FeatureType;
  expr: Expr;
  file: string;
  stateful: boolean;
  columns: string[];
  /** Features of the same set it reads. */
  features: string[];
  doc?: string;
}

export interface ResolvedFeatureSet extends ResolvedDeclaration {
  source: string;
  /** Dependency order: each feature after those it reads. */
  features: ResolvedFeature[];
}

/** One entry of a model's `features`: a feature of a set, or a source column used directly. */
export interface ResolvedModelInput {
  name: string;
  featureSet?: string;
  column?: string;
  type: FeatureType;
}

export interface ResolvedModel extends ResolvedDeclaration {
  task: Task;
  source: string;
  /** Set when `features = SET`; undefined when the model lists features/columns (the emitter synthesizes a set). */
  featureSet?: string;
  inputs: ResolvedModelInput[];
  layout: InputSlot[];
  inputWidth: number | null;
  target: { column: string; type: ValueType; classes?: string[] };
  split: { test: number; seed: number; stratify: boolean };
  /** With a `search`: its first candidate. */
  trainer: TrainerSpec;
  search?: SearchSpec;
}

export interface ResolvedGateRule {
  text: string;
  metric: string;
  by?: string;
  comparison: Comparison;
  /** The threshold as written; `thresholdValue` when it is a constant (normalised). */
  threshold: Expr;
  thresholdValue?: number;
  file: string;
  better: "higher" | "lower";
  unit: "ratio" | "ms" | "number";
  usesChampion: boolean;
}

export interface ResolvedGate extends ResolvedDeclaration {
  model: string;
  rules: ResolvedGateRule[];
  onNoChampion: "pass" | "fail";
}

export interface ResolvedDeployment extends ResolvedDeclaration {
  model: string;
  gate?: string;
  target: TargetSpec;
  endpoint: { path: string; port: number };
  rollout: RolloutSpec;
  envVars: Record<string, EnvValue>;
}

export interface ResolvedPolicy {
  text: string;
  condition: Expr;
  file: string;
  action: PolicyAction;
  /** The action's `cooldown`, else the monitor's (ms). */
  cooldownMs: number;
}

export interface ResolvedMonitor extends ResolvedDeclaration {
  deployment: string;
  model: string;
  reference: { kind: "training" } | { kind: "source"; source: string };
  windowMs: number;
  timestampColumn?: string;
  labels?: LabelsSpec;
  schedule: Schedule;
  drift: DriftRule[];
  policies: ResolvedPolicy[];
}

export interface ResolvedNotifier extends ResolvedDeclaration, Omit<NotifierSpec, "name"> {}

export interface ResolvedParam {
  name: string;
  /** Declared type as written: "int", "ratio", "list<string>". */
  typeText: string;
  type: Type;
  value: ConstValue | undefined;
  file: string;
  doc?: string;
}

export interface ResolvedPipeline extends ResolvedDeclaration {
  owner?: string;
  description?: string;
  schedule?: Schedule;
  tags: string[];
}

/** What a name or member expression resolved to (for lowering expressions). */
export type Resolution =
  | { kind: "column"; source: string; name: string }
  | { kind: "feature"; featureSet: string; name: string }
  | { kind: "param"; name: string; value: ConstValue | undefined }
  | { kind: "declaration"; declKind: DeclKind; name: string }
  | { kind: "metric"; name: string }
  | { kind: "champion"; metric: string }
  | { kind: "signal"; name: string }
  | { kind: "word"; name: string };

export interface SemanticModel {
  env: string | undefined;
  pipeline: ResolvedPipeline | undefined;
  params: Record<string, ResolvedParam>;
  /** Every env with the params it overrides (values normalised). */
  envs: Record<string, Record<string, ConstValue>>;
  sources: Record<string, ResolvedSource>;
  featureSets: Record<string, ResolvedFeatureSet>;
  models: Record<string, ResolvedModel>;
  gates: Record<string, ResolvedGate>;
  deployments: Record<string, ResolvedDeployment>;
  monitors: Record<string, ResolvedMonitor>;
  notifiers: Record<string, ResolvedNotifier>;
  /** Files of the compilation (path → text), for hashing. */
  sourceFiles: Array<{ path: string; text: string; isStdlib: boolean }>;
  /** Normalised constant value of an expression (`expected` gives units their meaning). */
  evaluateConstant(expr: Expr, expected?: Type): ConstValue | undefined;
  /** What a Name / Member expression (or its identifier) refers to. */
  resolve(expr: Expr): Resolution | undefined;
  /** The checked type of an expression. */
  typeOf(expr: Expr): Type | undefined;
  /**
   * An expression as a flat plan expression (see `PlanExpr`): names resolved to column / feature / metric /
   * champion / signal refs, params inlined, quantities normalised. Stateful calls get
   * `state` = `${stateKeyPrefix}#${n}` (n counts stateful calls in the expression in source order).
   * Aggregates are calls (`row_count` too); a list literal (bucketize edges) is `call` `list`;
   * bare words (impute strategies) are string literals.
   */
  lowerExpr(expr: Expr, stateKeyPrefix?: string): PlanExpr;
}

interface ProgramLike {
  results(): DeclResult[];
  result(symbol: DeclSymbol): DeclResult;
  files(): readonly ProgramFile[];
}

export function buildSemanticModel(program: ProgramLike, table: SymbolTable, env: string | undefined): SemanticModel {
  return new ModelBuilder(program, table, env).build();
}

class ModelBuilder {
  private readonly resolutions = new Map<string, SemanticSymbol>();
  private readonly exprTypes = new Map<Expr, Type>();
  private readonly annotations = new Map<string, string>();
  private readonly paramValues = new Map<string, ConstValue | undefined>();
  private readonly paramTypes = new Map<string, Type>();

  constructor(
    private readonly program: ProgramLike,
    private readonly table: SymbolTable,
    private readonly env: string | undefined,
  ) {}

  private spanKey(file: string, start: number, end: number): string {
    return `${file}:${start}:${end}`;
  }

  build(): SemanticModel {
    const results = this.program.results();
    for (const r of results) {
      for (const ref of r.references) this.resolutions.set(this.spanKey(ref.file, ref.span.start, ref.span.end), ref.symbol);
      for (const [e, t] of r.exprTypes) this.exprTypes.set(e, t);
      for (const a of r.annotations) this.annotations.set(this.spanKey(a.file, a.span.start, a.span.end), a.kind);
    }
    this.resolveParams();
    const model: SemanticModel = {
      env: this.env,
      pipeline: undefined,
      params: {},
      envs: this.envs(),
      sources: {},
      featureSets: {},
      models: {},
      gates: {},
      deployments: {},
      monitors: {},
      notifiers: {},
      sourceFiles: this.program.files().map((f) => ({ path: f.path, text: f.text, isStdlib: f.isStdlib })),
      evaluateConstant: (expr, expected) => this.evaluate(expr, expected),
      resolve: (expr) => this.resolve(expr),
      typeOf: (expr) => this.exprTypes.get(expr),
      lowerExpr: (expr, prefix) => this.lower(expr, prefix ?? "state"),
    };
    for (const [name, list] of this.table.params) {
      const s = list[0]!;
      const info = this.program.result(s).info;
      model.params[name] = {
        name,
        typeText: info.kind === "param" ? info.typeText : "unknown",
        type: info.kind === "param" ? info.type : UNKNOWN,
        value: this.paramValues.get(name),
        file: s.file.path,
        ...(s.node.doc ? { doc: s.node.doc } : {}),
      };
    }
    const pipeline = this.table.pipelines[0];
    if (pipeline) model.pipeline = this.pipeline(pipeline);
    for (const list of this.table.blocks.values()) {
      const s = list[0]!;
      if (s.isTemplate) continue;
      const r = this.program.result(s);
      if (!r.merged) continue;
      try {
        switch (s.declKind) {
          case "source":
            model.sources[s.name] = this.source(s, r);
            break;
          case "features":
            model.featureSets[s.name] = this.featureSet(s, r);
            break;
          case "model":
            model.models[s.name] = this.model(s, r);
            break;
          case "gate":
            model.gates[s.name] = this.gate(s, r);
            break;
          case "deploy":
            model.deployments[s.name] = this.deployment(s, r);
            break;
          case "monitor":
            model.monitors[s.name] = this.monitor(s, r, model);
            break;
          case "notifier":
            model.notifiers[s.name] = this.notifier(s, r);
            break;
        }
      } catch (error) {
        // A declaration with errors may lack what its entry needs; the diagnostics say why.
        // Without errors a failure is a compiler bug: never leave the declaration out silently.
        if (!r.diagnostics.some((d) => d.severity === "error")) throw error;
      }
    }
    return model;
  }

  // ---------------------------------------------------------------- params

  private resolveParams(): void {
    for (const [name, list] of this.table.params) {
      const s = list[0]!;
      const info = this.program.result(s).info;
      const type = info.kind === "param" ? info.type : UNKNOWN;
      this.paramTypes.set(name, type);
      let expr = s.node.value;
      if (this.env) {
        const envSymbol = this.table.envs.get(this.env)?.[0];
        const override = envSymbol?.node.members.find((m) => m.kind === "Field" && m.name.name === name);
        if (override && override.kind === "Field") expr = override.value;
      }
      this.paramValues.set(name, expr ? this.evaluate(expr, type) : undefined);
    }
  }

  private envs(): Record<string, Record<string, ConstValue>> {
    const out: Record<string, Record<string, ConstValue>> = {};
    for (const [name, list] of this.table.envs) {
      const values: Record<string, ConstValue> = {};
      for (const m of list[0]!.node.members) {
        if (m.kind !== "Field") continue;
        const v = this.evaluate(m.value, this.paramTypes.get(m.name.name));
        if (v !== undefined) values[m.name.name] = v;
      }
      out[name] = values;
    }
    return out;
  }

  // ---------------------------------------------------------------- constants

  /** A constant's normalised value; operator chains are folded with an explicit stack (no recursion on their length). */
  evaluate(root: Expr, expected?: Type): ConstValue | undefined {
    const stack: Array<{ expr: Expr & { kind: "Binary" | "Unary" }; values: Array<ConstValue | undefined> }> = [];
    let next: Expr | undefined = unwrapParens(root);
    let result: ConstValue | undefined;
    for (;;) {
      while (next && (next.kind === "Binary" || next.kind === "Unary")) {
        stack.push({ expr: next, values: [] });
        next = unwrapParens(next.kind === "Binary" ? next.left : next.operand);
      }
      if (next) result = this.evaluateOperand(next, expected);
      next = undefined;
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        top.values.push(result);
        if (top.expr.kind === "Binary" && top.values.length === 1) {
          next = unwrapParens(top.expr.right);
          break;
        }
        stack.pop();
        result =
          top.expr.kind === "Binary"
            ? foldBinary(top.expr.operator, top.values[0], top.values[1])
            : foldUnary(top.expr.operator, top.values[0]);
      }
      if (!next) return result;
    }
  }

  private evaluateOperand(e: Expr, expected: Type | undefined): ConstValue | undefined {
    switch (e.kind) {
      case "Number": {
        if (expected?.kind === "quantity") return normalizeQuantity(expected.unit, e.value, e.unit);
        if (!e.unit) return e.value;
        const kind: QuantityKind | undefined = defaultKindOfUnit(e.unit);
        return kind ? normalizeQuantity(kind, e.value, e.unit) : undefined;
      }
      case "String":
        if (!e.parts) return e.value;
        return e.parts.map((p) => (p.kind === "Text" ? p.value : String(this.evaluate(p.expr) ?? ""))).join("");
      case "Boolean":
        return e.value;
      case "List": {
        const el = expected?.kind === "list" ? expected.element : undefined;
        const out: ConstValue[] = [];
        for (const x of e.elements) {
          const v = this.evaluate(x, el);
          if (v === undefined) return undefined;
          out.push(v);
        }
        return out;
      }
      case "Record":
        return { kind: "record", fields: this.recordFields(e.fields) };
      case "Constructor":
        return { kind: "constructor", name: e.name.name, fields: this.recordFields(e.body.fields) };
      case "Name":
        return e.name.name;
      case "Member":
        if (e.object.kind === "Name" && e.object.name.name === "params") {
          const v = this.paramValues.get(e.property.name);
          return v;
        }
        return undefined;
      case "Call": {
        if (e.callee.kind !== "Name") return undefined;
        const fn = e.callee.name.name;
        const args = e.args.map((a) => unwrapParens(a.value));
        if (fn === "secret" && args.length === 2 && args[0]!.kind === "String" && args[1]!.kind === "String") {
          return { kind: "secret", name: args[0].value, key: args[1].value };
        }
        if (fn === "cron" && args[0]?.kind === "String")
          return { kind: "schedule", schedule: { kind: "cron", expression: args[0].value.trim() } };
        if (fn === "every" && args[0]) {
          const ms = this.evaluate(args[0], { kind: "quantity", unit: "duration" });
          return typeof ms === "number" ? { kind: "schedule", schedule: { kind: "every", intervalMs: ms } } : undefined;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private recordFields(fields: Array<{ key: { name: string }; value: Expr }>): Record<string, ConstValue> {
    const out: Record<string, ConstValue> = {};
    for (const f of fields) {
      const t = this.exprTypes.get(unwrapParens(f.value));
      const v = this.evaluate(f.value, t?.kind === "quantity" ? t : undefined);
      if (v !== undefined && !(f.key.name in out)) out[f.key.name] = v;
    }
    return out;
  }

  // ---------------------------------------------------------------- fields

  private fieldsOf(merged: MergedDecl, specs: FieldSpec[]): Record<string, ResolvedField> {
    const out: Record<string, ResolvedField> = {};
    for (const f of merged.fields.values()) out[f.name] = this.field(f.name, f.value, specs.find((s) => s.name === f.name)?.slot);
    return out;
  }

  private field(name: string, value: MergedValue, slot: Slot | undefined): ResolvedField {
    const type = this.exprTypes.get(value.expr) ?? UNKNOWN;
    const expected = slot ? slotExpected(slot) : type;
    const out: ResolvedField = { name, expr: value.expr, file: value.owner.file.path, type, value: undefined };
    if (value.fields) {
      const specs = slot ? nestedSpecs(slot, value.constructorName) : undefined;
      const fields: Record<string, ResolvedField> = {};
      for (const [k, entry] of value.fields) {
        const spec = specs?.fields.find((s) => s.name === k)?.slot ?? specs?.open;
        fields[k] = this.field(k, entry.value, spec);
      }
      out.fields = fields;
      const plain: Record<string, ConstValue> = {};
      for (const [k, f] of Object.entries(fields)) if (f.value !== undefined) plain[k] = f.value;
      out.value = value.constructorName
        ? { kind: "constructor", name: value.constructorName, fields: plain }
        : { kind: "record", fields: plain };
      if (value.constructorName) out.constructorName = value.constructorName;
    } else {
      out.value = this.evaluate(value.expr, expected);
    }
    return out;
  }

  private base(s: BlockSymbol, r: DeclResult): ResolvedDeclaration {
    const merged = r.merged!;
    return {
      name: s.name,
      kind: s.declKind,
      file: s.file.path,
      ...(s.node.doc ? { doc: s.node.doc } : {}),
      node: s.node,
      extends: merged.chain.slice(1).map((c) => c.name),
      fields: this.fieldsOf(merged, BLOCK_FIELDS[s.declKind]),
    };
  }

  private pipeline(s: BlockSymbol): ResolvedPipeline {
    const r = this.program.result(s);
    const base = this.base(s, r);
    const f = base.fields;
    const schedule = f.schedule?.value;
    return {
      ...base,
      ...(typeof f.owner?.value === "string" ? { owner: f.owner.value } : {}),
      ...(typeof f.description?.value === "string" ? { description: f.description.value } : {}),
      ...(isSchedule(schedule) ? { schedule: schedule.schedule } : {}),
      tags: Array.isArray(f.tags?.value) ? f.tags.value.filter((t): t is string => typeof t === "string") : [],
    };
  }

  private source(s: BlockSymbol, r: DeclResult): ResolvedSource {
    const base = this.base(s, r);
    const info = r.info as SourceInfo;
    const path = String(base.fields.path?.value ?? "");
    const columns: ColumnSpec[] = [...info.columns.values()].map((c) => ({
      name: c.name,
      type: toValueType(c.type) ?? { kind: "string", nullable: true },
      unique: c.unique,
      ...(c.range ? { range: { ...c.range } } : {}),
    }));
    const expectations: ResolvedSource["expectations"] = [];
    for (const { member, owner } of r.merged!.statements) {
      if (member.kind !== "Expect") continue;
      for (const check of member.checks)
        expectations.push({
          expr: check,
          file: owner.file.path,
          text: printExpr(check),
        });
    }
    const pathOwner = r.merged!.fields.get("path")?.value.owner.file.path ?? s.file.path;
    return {
      ...base,
      format: (base.fields.format?.value as DataFormat) ?? "csv",
      path,
      resolvedPath: resolveAgainst(pathOwner, path),
      ...(typeof base.fields.query?.value === "string" && { query: base.fields.query.value }),
      connection: envValues(base.fields.connection?.value),
      columns,
      expectations,
      badRows: {
        policy: base.fields.bad_rows?.value === "drop" ? "drop" : "fail",
        maxBadRows: typeof base.fields.max_bad_rows?.value === "number" ? base.fields.max_bad_rows.value : 0,
      },
    };
  }

  private featureSet(s: BlockSymbol, r: DeclResult): ResolvedFeatureSet {
    const info = r.info as FeatureSetInfo;
    const base = this.base(s, r);
    base.fields = {};
    const features: ResolvedFeature[] = info.order.map((name) => {
      const f = info.features.get(name)!;
      return {
        name,
        type: toFeatureType(f.type) ?? { kind: "float", nullable: false },
        expr: f.expr,
        file: f.file.path,
        stateful: f.stateful,
        columns: f.columns,
        features: f.features,
        ...(f.doc ? { doc: f.doc } : {}),
      };
    });
    return { ...base, source: info.source ?? "", features };
  }

  private model(s: BlockSymbol, r: DeclResult): ResolvedModel {
    const info = r.info as ModelInfo;
    const base = this.base(s, r);
    const f = base.fields;
    const split = f.split?.fields;
    const target = info.target;
    return {
      ...base,
      task: info.task ?? "regression",
      source: info.source ?? "",
      ...(info.featureSet ? { featureSet: info.featureSet } : {}),
      inputs: info.inputs.map((i) => ({
        name: i.name,
        ...(i.featureSet ? { featureSet: i.featureSet } : { column: i.name }),
        type: toFeatureType(i.type) ?? { kind: "float", nullable: false },
      })),
      layout: info.layout.map((l) => ({ ...l })),
      inputWidth: info.inputWidth,
      target: target
        ? {
            column: target.column,
            type: toValueType(target.type) ?? { kind: "float", nullable: false },
            ...(target.classes ? { classes: [...target.classes] } : {}),
          }
        : { column: "", type: { kind: "float", nullable: false } },
      split: {
        test: typeof split?.test?.value === "number" ? split.test.value : 0.2,
        seed: typeof split?.seed?.value === "number" ? split.seed.value : 0,
        stratify: split?.stratify?.value === true,
      },
      ...this.trainerAndSearch(f.trainer, r.merged!),
    };
  }

  private trainerAndSearch(field: ResolvedField | undefined, merged: MergedDecl): { trainer: TrainerSpec; search?: SearchSpec } {
    const search = resolveSearch(merged, (expr) => this.evaluate(expr));
    return search ? { trainer: search.candidates[0]!.trainer, search } : { trainer: this.trainer(field, merged) };
  }

  private trainer(field: ResolvedField | undefined, merged: MergedDecl): TrainerSpec {
    const name = field?.constructorName ?? "linear_regression";
    const v = field?.fields ?? {};
    const num = (k: string, d: number): number => (typeof v[k]?.value === "number" ? (v[k]!.value as number) : d);
    if (name === "external") {
      const command = Array.isArray(v.command?.value) ? v.command.value.map(String) : [];
      return {
        kind: "external",
        command,
        ...(typeof v.image?.value === "string" ? { image: v.image.value } : {}),
        output: String(v.output?.value ?? "model.onnx"),
        env: envValues(v.env?.value),
      };
    }
    if (name === "pretrained") {
      const trainerExpr = merged.fields.get("trainer")?.value.expr;
      const signature: OnnxSignature = (trainerExpr && pretrainedSignatures.get(trainerExpr)) || { inputs: [], outputs: [] };
      return { kind: "pretrained", path: String(v.path?.value ?? ""), signature };
    }
    return {
      kind: name as "logistic_regression",
      epochs: num("epochs", 100),
      learningRate: num("learning_rate", 0.1),
      l2: num("l2", 0),
      batchSize: num("batch_size", 0),
      tolerance: num("tolerance", 0.000001),
    };
  }

  private gate(s: BlockSymbol, r: DeclResult): ResolvedGate {
    const base = this.base(s, r);
    const rules: ResolvedGateRule[] = [];
    for (const { member, owner } of r.merged!.statements) {
      if (member.kind !== "Require") continue;
      const cond = unwrapParens(member.condition);
      if (cond.kind !== "Binary") continue;
      const left = unwrapParens(cond.left);
      const metricId =
        left.kind === "Name" ? left.name : left.kind === "Call" && left.callee.kind === "Name" ? left.callee.name : undefined;
      if (!metricId) continue;
      const info = METRICS[metricId.name];
      if (!info) continue;
      const byArg = left.kind === "Call" ? left.args.find((a) => a.name?.name === "by")?.value : undefined;
      const by = byArg && byArg.kind === "Name" ? byArg.name.name : undefined;
      const expected: Type =
        info.unit === "ratio"
          ? { kind: "quantity", unit: "ratio" }
          : info.unit === "ms"
            ? { kind: "quantity", unit: "duration" }
            : { kind: "float", nullable: false };
      const value = this.evaluate(cond.right, expected);
      rules.push({
        text: printExpr(cond),
        metric: metricId.name,
        ...(by ? { by } : {}),
        comparison: cond.operator as Comparison,
        threshold: cond.right,
        ...(typeof value === "number" ? { thresholdValue: value } : {}),
        file: owner.file.path,
        better: info.better,
        unit: info.unit,
        usesChampion: mentionsChampion(cond.right),
      });
    }
    return {
      ...base,
      model: String(base.fields.model?.value ?? ""),
      rules,
      onNoChampion: base.fields.on_no_champion?.value === "fail" ? "fail" : "pass",
    };
  }

  private deployment(s: BlockSymbol, r: DeclResult): ResolvedDeployment {
    const base = this.base(s, r);
    const f = base.fields;
    const endpoint = f.endpoint?.fields;
    const target = this.targetSpec(f.target);
    const defaultPort = target.kind === "local" || target.kind === "docker" ? target.port : 8080;
    return {
      ...base,
      model: String(f.model?.value ?? ""),
      ...(typeof f.gate?.value === "string" ? { gate: f.gate.value } : {}),
      target,
      endpoint: {
        path: typeof endpoint?.path?.value === "string" ? endpoint.path.value : "/predict",
        port: typeof endpoint?.port?.value === "number" ? endpoint.port.value : defaultPort,
      },
      rollout: this.rollout(f.rollout),
      envVars: envValues(f.env_vars?.value),
    };
  }

  private targetSpec(field: ResolvedField | undefined): TargetSpec {
    const v = field?.fields ?? {};
    const num = (k: string): number | undefined => (typeof v[k]?.value === "number" ? (v[k]!.value as number) : undefined);
    const str = (k: string): string => (typeof v[k]?.value === "string" ? (v[k]!.value as string) : "");
    switch (field?.constructorName) {
      case "docker":
        return {
          kind: "docker",
          image: str("image"),
          port: num("port") ?? 8080,
          ...(num("cpu") !== undefined ? { cpuMillis: num("cpu")! } : {}),
          ...(num("memory") !== undefined ? { memoryBytes: num("memory")! } : {}),
        };
      case "kubernetes": {
        const a = v.autoscale?.fields;
        const an = (k: string, d: number): number => (typeof a?.[k]?.value === "number" ? (a[k]!.value as number) : d);
        return {
          kind: "kubernetes",
          namespace: str("namespace"),
          image: str("image"),
          // under autoscale (where `replicas` is ignored and may be left out) the count starts at the minimum
          replicas: num("replicas") ?? (a ? an("min", 1) : 1),
          cpuMillis: num("cpu") ?? 0,
          memoryBytes: num("memory") ?? 0,
          ...(a ? { autoscale: { min: an("min", 1), max: an("max", 1), targetCpu: an("target_cpu", 0.8) } } : {}),
        };
      }
      case "kserve": {
        const min = num("min_replicas") ?? 1;
        return {
          kind: "kserve",
          namespace: str("namespace"),
          image: str("image"),
          cpuMillis: num("cpu") ?? 0,
          memoryBytes: num("memory") ?? 0,
          minReplicas: min,
          maxReplicas: num("max_replicas") ?? Math.max(1, min),
          ...(typeof v.storage_uri?.value === "string" ? { storageUri: v.storage_uri.value } : {}),
        };
      }
      case "batch": {
        const sched = v.schedule?.value;
        return {
          kind: "batch",
          input: str("input"),
          output: str("output"),
          schedule: isSchedule(sched) ? sched.schedule : { kind: "cron", expression: "0 0 * * *" },
        };
      }
      default:
        return { kind: "local", port: num("port") ?? 8080 };
    }
  }

  private rollout(field: ResolvedField | undefined): RolloutSpec {
    if (field?.constructorName !== "canary") return { kind: "all_at_once" };
    const v = field.fields ?? {};
    const steps = Array.isArray(v.steps?.value) ? v.steps.value.filter((x): x is number => typeof x === "number") : [];
    return { kind: "canary", steps, intervalMs: typeof v.interval?.value === "number" ? v.interval.value : 0 };
  }

  private monitor(s: BlockSymbol, r: DeclResult, model: SemanticModel): ResolvedMonitor {
    const base = this.base(s, r);
    const f = base.fields;
    const deployment = String(f.deployment?.value ?? "");
    const modelName = r.info.kind === "monitor" ? (r.info.model ?? "") : "";
    const ref = f.reference?.value;
    const reference: ResolvedMonitor["reference"] =
      ref === "training" || ref === undefined ? { kind: "training" } : { kind: "source", source: String(ref) };
    const sched = f.schedule?.value;
    const defaultCooldown = typeof f.cooldown?.value === "number" ? f.cooldown.value : 0;
    const info = r.info.kind === "monitor" ? r.info : undefined;
    const drift: DriftRule[] = [];
    const policies: ResolvedPolicy[] = [];
    const modelEntry = model.models[modelName];
    const featureNames = new Set(modelEntry?.inputs.filter((i) => i.featureSet).map((i) => i.name) ?? []);
    for (const { member, owner } of r.merged!.statements) {
      if (member.kind === "Drift") {
        const target = member.target.name;
        const targetKind: DriftRule["targetKind"] =
          target === "*"
            ? "all"
            : target === "prediction"
              ? "prediction"
              : this.resolutionAt(owner.file.path, member.target.span)?.kind === "feature" ||
                  (featureNames.has(target) && !this.resolutionAt(owner.file.path, member.target.span))
                ? "feature"
                : "column";
        const rule = unwrapParens(member.rule);
        if (rule.kind === "Name" && rule.name.name === "auto") {
          drift.push({ target, targetKind, method: "auto", comparison: ">=", threshold: 0.1, driftsWhen: "above" });
          continue;
        }
        if (rule.kind !== "Binary" || rule.left.kind !== "Name") continue;
        const method = rule.left.name.name as Exclude<DriftMethod, "auto">;
        const info = DRIFT_METHODS[method];
        if (!info) continue;
        const threshold = this.evaluate(rule.right, { kind: "quantity", unit: "ratio" });
        drift.push({
          target,
          targetKind,
          method,
          comparison: rule.operator as Comparison,
          threshold: typeof threshold === "number" ? threshold : 0,
          driftsWhen: info.driftsWhen,
        });
      } else if (member.kind === "When") {
        const action = this.action(member.action);
        if (!action) continue;
        policies.push({
          text: printExpr(member.condition),
          condition: member.condition,
          file: owner.file.path,
          action,
          cooldownMs: this.cooldown(member.action) ?? defaultCooldown,
        });
      }
    }
    return {
      ...base,
      deployment,
      model: modelName,
      reference,
      windowMs: typeof f.window?.value === "number" ? f.window.value : 0,
      ...(info?.timestampColumn ? { timestampColumn: info.timestampColumn } : {}),
      ...(info?.labels ? { labels: { source: info.labels.source, key: info.labels.key, column: info.labels.column } } : {}),
      schedule: isSchedule(sched) ? sched.schedule : { kind: "every", intervalMs: 3_600_000 },
      drift,
      policies,
    };
  }

  private action(expr: Expr): PolicyAction | undefined {
    const e = unwrapParens(expr);
    if (e.kind !== "Call" || e.callee.kind !== "Name") return undefined;
    const positional = e.args.filter((a) => !a.name);
    if (positional.length !== 1) return undefined;
    const arg = unwrapParens(positional[0]!.value);
    if (e.callee.name.name === "alert" && arg.kind === "String" && !arg.parts) return { kind: "alert", channel: arg.value };
    if (arg.kind !== "Name") return undefined;
    switch (e.callee.name.name) {
      case "retrain":
        return { kind: "retrain", model: arg.name.name };
      case "rollback":
        return { kind: "rollback", deployment: arg.name.name };
      case "alert":
        return { kind: "alert", notifier: arg.name.name };
      default:
        return undefined;
    }
  }

  /** An action's `cooldown = DURATION` argument (ms). */
  private cooldown(expr: Expr): number | undefined {
    const e = unwrapParens(expr);
    if (e.kind !== "Call") return undefined;
    const arg = e.args.find((a) => a.name?.name === "cooldown");
    const value = arg ? this.evaluate(arg.value, { kind: "quantity", unit: "duration" }) : undefined;
    return typeof value === "number" ? value : undefined;
  }

  private notifier(s: BlockSymbol, r: DeclResult): ResolvedNotifier {
    const base = this.base(s, r);
    const f = base.fields;
    const webhook = f.webhook?.value;
    return {
      ...base,
      webhook:
        typeof webhook === "object" && webhook !== null && !Array.isArray(webhook) && webhook.kind === "secret"
          ? { kind: "secret", name: webhook.name, key: webhook.key }
          : { kind: "literal", value: typeof webhook === "string" ? webhook : "" },
      format: f.format?.value === "slack" ? "slack" : "json",
      timeoutMs: typeof f.timeout?.value === "number" ? f.timeout.value : 10_000,
      retries: typeof f.retries?.value === "number" ? f.retries.value : 3,
    };
  }

  // ---------------------------------------------------------------- resolution and lowering

  private resolutionAt(file: string, span: { start: number; end: number }): SemanticSymbol | undefined {
    return this.resolutions.get(this.spanKey(file, span.start, span.end));
  }

  private findResolution(span: { start: number; end: number }): SemanticSymbol | undefined {
    for (const f of this.program.files()) {
      const r = this.resolutions.get(this.spanKey(f.path, span.start, span.end));
      if (r) return r;
    }
    return undefined;
  }

  /** How the checker classified the name at `span` (a monitor `latency_p99` is a signal, a gate's a metric). */
  private findAnnotation(span: { start: number; end: number }): string | undefined {
    for (const f of this.program.files()) {
      const a = this.annotations.get(this.spanKey(f.path, span.start, span.end));
      if (a) return a;
    }
    return undefined;
  }

  resolve(expr: Expr): Resolution | undefined {
    const e = unwrapParens(expr);
    if (e.kind === "Member") {
      if (e.object.kind === "Name" && e.object.name.name === "params")
        return { kind: "param", name: e.property.name, value: this.paramValues.get(e.property.name) };
      if (e.object.kind === "Name" && e.object.name.name === "champion") return { kind: "champion", metric: e.property.name };
      return this.symbolResolution(this.findResolution(e.property.span)) ?? undefined;
    }
    if (e.kind !== "Name") return undefined;
    const sym = this.findResolution(e.name.span);
    if (sym) return this.symbolResolution(sym);
    const name = e.name.name;
    const annotated = this.findAnnotation(e.name.span);
    if (annotated === "signal") return { kind: "signal", name };
    if (annotated === "metric") return { kind: "metric", name };
    if (MONITOR_SIGNALS[name] && !METRICS[name]) return { kind: "signal", name };
    if (name === "drift_share" || name === "error_rate" || name === "request_rate") return { kind: "signal", name };
    if (METRICS[name]) return { kind: "metric", name };
    return { kind: "word", name };
  }

  private symbolResolution(sym: SemanticSymbol | undefined): Resolution | undefined {
    if (!sym) return undefined;
    switch (sym.kind) {
      case "column":
        return { kind: "column", source: sym.container ?? "", name: sym.name };
      case "feature":
        return { kind: "feature", featureSet: sym.container ?? "", name: sym.name };
      case "param":
        return { kind: "param", name: sym.name, value: this.paramValues.get(sym.name) };
      default:
        return { kind: "declaration", declKind: sym.declKind ?? "source", name: sym.name };
    }
  }

  /**
   * Lowers an expression to a flat plan expression without recursing: a frame per node on
   * an explicit stack, its children lowered first (post-order); stateful calls take their
   * state key when first reached, so keys count in source order.
   */
  private lower(root: Expr, prefix: string): PlanExpr {
    const builder = new PlanExprBuilder();
    let stateCount = 0;
    interface Frame {
      expr: Expr;
      children: Expr[];
      state: string | undefined;
      indices: number[];
    }
    const open = (expr: Expr): Frame => {
      const e = unwrapParens(expr);
      const children = this.loweredChildren(e);
      const stateful = e.kind === "Call" && !fairnessMetric(e) && STATEFUL_FUNCTIONS.has(calleeName(e));
      return { expr: e, children, state: stateful ? `${prefix}#${stateCount++}` : undefined, indices: [] };
    };
    const stack: Frame[] = [open(root)];
    let last = -1;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.indices.length < frame.children.length) {
        stack.push(open(frame.children[frame.indices.length]!));
        continue;
      }
      stack.pop();
      last = this.lowerNode(builder, frame.expr, frame.indices, frame.state);
      stack[stack.length - 1]?.indices.push(last);
    }
    return builder.build();
  }

  /** The sub-expressions a node's plan form has as children (none for leaves and fairness metrics). */
  private loweredChildren(e: Expr): Expr[] {
    switch (e.kind) {
      case "Unary":
        return [e.operand];
      case "Binary":
        return [e.left, e.right];
      case "Call":
        return fairnessMetric(e) ? [] : e.args.map((a) => a.value);
      case "List":
        return e.elements;
      default:
        return [];
    }
  }

  /** Adds the node for `e` whose children are already lowered to `children`. */
  private lowerNode(b: PlanExprBuilder, e: Expr, children: number[], state: string | undefined): number {
    switch (e.kind) {
      case "Number":
      case "String":
      case "Boolean": {
        const t = this.exprTypes.get(e);
        const v = this.evaluate(e, t?.kind === "quantity" ? t : undefined);
        return b.lit(typeof v === "number" || typeof v === "string" || typeof v === "boolean" ? v : null);
      }
      case "Unary":
        return b.unary(e.operator, children[0]!);
      case "Binary":
        return b.binary(e.operator, children[0]!, children[1]!);
      case "Name":
      case "Member":
        return this.lowerName(b, e);
      case "Call": {
        const fairness = fairnessMetric(e);
        if (fairness) return b.ref("metric", fairness.metric, fairness.by);
        return b.call(calleeName(e), children, state);
      }
      case "List":
        return b.call("list", children);
      default:
        return b.lit(null);
    }
  }

  private lowerName(b: PlanExprBuilder, e: Expr): number {
    if (e.kind === "Name" && e.name.name === "row_count") return b.call("row_count", []);
    const r = this.resolve(e);
    if (!r) return b.lit(null);
    switch (r.kind) {
      case "column":
        return b.ref("column", r.name);
      case "feature":
        return b.ref("feature", r.name);
      case "param":
        return b.lit(typeof r.value === "number" || typeof r.value === "string" || typeof r.value === "boolean" ? r.value : null);
      case "metric":
        return b.ref("metric", r.name);
      case "champion":
        return b.ref("champion", r.metric);
      case "signal":
        return b.ref("signal", r.name);
      default:
        return b.lit(r.name);
    }
  }
}

function calleeName(call: Expr & { kind: "Call" }): string {
  return call.callee.kind === "Name" ? call.callee.name.name : "";
}

/** `demographic_parity_difference(by = country)` is a metric reference, not a call. */
function fairnessMetric(call: Expr & { kind: "Call" }): { metric: string; by: string } | undefined {
  const fn = calleeName(call);
  const byArg = call.args.find((a) => a.name?.name === "by");
  if (METRICS[fn]?.fairness && byArg && byArg.value.kind === "Name") return { metric: fn, by: byArg.value.name.name };
  return undefined;
}

function foldUnary(operator: "-" | "not", v: ConstValue | undefined): ConstValue | undefined {
  if (operator === "-") return typeof v === "number" ? -v : undefined;
  return typeof v === "boolean" ? !v : undefined;
}

function foldBinary(operator: string, l: ConstValue | undefined, r: ConstValue | undefined): ConstValue | undefined {
  if (typeof l !== "number" || typeof r !== "number") return undefined;
  switch (operator) {
    case "+":
      return l + r;
    case "-":
      return Number((l - r).toPrecision(12));
    case "*":
      return l * r;
    case "/":
      return r === 0 ? undefined : l / r;
    default:
      return undefined;
  }
}

function slotExpected(slot: Slot): Type | undefined {
  switch (slot.kind) {
    case "quantity":
      return { kind: "quantity", unit: slot.unit };
    case "list": {
      const el = slotExpected(slot.element);
      return el ? { kind: "list", element: el } : undefined;
    }
    default:
      return undefined;
  }
}

function nestedSpecs(slot: Slot, constructorName: string | undefined): { fields: FieldSpec[]; open?: Slot } | undefined {
  if (slot.kind === "record") return { fields: slot.fields, ...(slot.open ? { open: slot.open } : {}) };
  if (slot.kind === "constructor" && constructorName) {
    const v = slot.variants[constructorName];
    return v ? { fields: v.fields } : undefined;
  }
  return undefined;
}

function isSchedule(v: ConstValue | undefined): v is { kind: "schedule"; schedule: Schedule } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v.kind === "schedule";
}

function envValues(v: ConstValue | undefined): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  if (typeof v !== "object" || v === null || Array.isArray(v) || v.kind !== "record") return out;
  for (const [k, x] of Object.entries(v.fields)) {
    if (typeof x === "string") out[k] = { kind: "literal", value: x };
    else if (typeof x === "number" || typeof x === "boolean") out[k] = { kind: "literal", value: String(x) };
    else if (typeof x === "object" && !Array.isArray(x) && x.kind === "secret") out[k] = { kind: "secret", name: x.name, key: x.key };
  }
  return out;
}

function mentionsChampion(root: Expr): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const e = unwrapParens(stack.pop()!);
    if (e.kind === "Member" && e.object.kind === "Name" && e.object.name.name === "champion") return true;
    if (e.kind === "Binary") stack.push(e.left, e.right);
    else if (e.kind === "Unary") stack.push(e.operand);
  }
  return false;
}

function resolveAgainst(fromFile: string, path: string): string {
  if (path.startsWith("/")) return path;
  const dir = fromFile.slice(0, fromFile.lastIndexOf("/") + 1);
  const parts: string[] = [];
  for (const p of (dir + path).split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return (fromFile.startsWith("/") ? "/" : "") + parts.join("/");
}
