/**
 * `monitor`: reference data, drift rules (target, method per type, direction), `when` policies
 * (signals, and the model's metrics when the monitor has labels) and their actions
 * (`monitor-actions.ts`), labels (`monitor-labels.ts`) and the window's timestamp (`monitor-window.ts`).
 */
import type { ProgramFile } from "../program/source-files.js";
import type { DriftMember, Expr, Identifier } from "../syntax/ast.js";
import { AUTO_DRIFT_DOC, DRIFT_METHODS, METRICS, MONITOR_SIGNALS } from "./catalog.js";
import type { DriftMethodName } from "./catalog.js";
import type { DeclContext } from "./context.js";
import type { ExprScope } from "./expressions.js";
import { ExprTyper } from "./expressions.js";
import { columnSymbol, featureSymbol, sourceColumns } from "./features.js";
import { checkMetricName, metricType, modelInfoOf, modelWhere, refName } from "./gates.js";
import type { ColumnInfo, FeatureInfo, ModelInfo, MonitorInfo } from "./infos.js";
import { actionCooldown, checkAction } from "./monitor-actions.js";
import { checkLabels } from "./monitor-labels.js";
import { checkCooldown, scheduleInterval } from "./monitor-cooldown.js";
import { checkTimestampColumn } from "./monitor-window.js";
import type { MergedDecl } from "./merge.js";
import type { BlockSymbol } from "./symbols.js";
import { unwrapParens } from "./merge.js";
import { lookupBlock, renameFix, suggestion } from "./resolve.js";
import type { FieldSpec } from "./schema.js";
import type { Type } from "./types.js";
import { BOOL, FLOAT, UNKNOWN, isCategorical, isNumeric, quantity, typeToString } from "./types.js";
import type { ValueChecker } from "./values.js";
import { numberLiteral } from "./values.js";
import { closestMatch } from "./edit-distance.js";

interface DriftTargets {
  columns: Map<string, ColumnInfo>;
  columnSource?: string;
  features: Map<string, FeatureInfo>;
  /** The feature set of each feature. */
  featureSets: Map<string, string>;
  prediction?: Type;
}

export function checkMonitor(vc: ValueChecker, merged: MergedDecl, specials: Map<string, FieldSpec>): MonitorInfo {
  const ctx = vc.ctx;
  const deployment = refName(merged, "deployment");
  let model: ModelInfo | undefined;
  let modelName: string | undefined;
  let batchInput: string | undefined;
  let batch = false;
  if (deployment) {
    const d = ctx.checker.table.block(deployment);
    if (d?.declKind === "deploy" && !d.isTemplate) {
      const r = ctx.checker.result(d);
      ctx.use(r, `decl:${deployment}`);
      modelName = r.info.kind === "deploy" ? r.info.model : undefined;
      model = modelInfoOf(ctx, modelName);
      batch = r.info.kind === "deploy" && r.info.target === "batch";
      const input = r.merged?.fields.get("target")?.value.fields?.get("input")?.value.expr;
      if (batch && input?.kind === "Name") batchInput = input.name.name;
    }
  }
  const targets = referenceTargets(vc, merged, specials, model);
  const labelsField = merged.fields.get("labels");
  const labels =
    labelsField && specials.has("labels")
      ? checkLabels(ctx, labelsField, model, {
          batch,
          ...(batch ? (batchInput ? { source: batchInput } : {}) : model?.source ? { source: model.source } : {}),
        })
      : undefined;
  const timestampColumn = specials.has("timestamp") || batch ? checkTimestampColumn(ctx, merged, batchInput) : undefined;
  const interval = scheduleInterval(merged);
  const cooldown = merged.fields.get("cooldown")?.value;
  if (cooldown) checkCooldown(ctx, cooldown.owner.file, cooldown.expr, interval);
  const signals: PolicySignals = { targets, model, labels: labelsField ? (labels ? "valid" : "invalid") : "none" };
  const named = new Set<string>();
  for (const { member, owner } of merged.statements) {
    if (member.kind === "Drift") checkDrift(ctx, owner.file, member, targets, named);
    if (member.kind === "When") {
      checkWhen(vc, owner, member.condition, member.action, signals);
      const own = actionCooldown(member.action);
      if (own) checkCooldown(ctx, owner.file, own, interval);
    }
  }
  return {
    kind: "monitor",
    ...(deployment && modelName ? { deployment } : {}),
    ...(modelName ? { model: modelName } : {}),
    ...(labels ? { labels } : {}),
    ...(timestampColumn ? { timestampColumn } : {}),
  };
}

function referenceTargets(
  vc: ValueChecker,
  merged: MergedDecl,
  specials: Map<string, FieldSpec>,
  model: ModelInfo | undefined,
): DriftTargets {
  const ctx = vc.ctx;
  const targets: DriftTargets = { columns: new Map(), features: new Map(), featureSets: new Map() };
  const features = new Map<string, FeatureInfo>();
  for (const input of model?.inputs ?? []) {
    if (!input.featureSet || features.has(input.name)) continue;
    const set = ctx.checker.table.block(input.featureSet);
    const info = set ? ctx.checker.result(set).info : undefined;
    const f = info?.kind === "features" ? info.features.get(input.name) : undefined;
    if (f) {
      features.set(input.name, f);
      targets.featureSets.set(input.name, input.featureSet);
    }
  }
  targets.features = features;
  if (model?.task)
    targets.prediction =
      model.task === "multiclass_classification" ? { kind: "enum", values: model.target?.classes ?? [], nullable: false } : FLOAT;
  const ref = merged.fields.get("reference");
  if (!ref || !specials.has("reference")) {
    if (model?.source) useColumns(ctx, targets, model.source);
    return targets;
  }
  const expr = ref.value.expr;
  const file = ref.value.owner.file;
  if (expr.kind === "Name" && expr.name.name === "training") {
    ctx.annotate(file, expr.span, "keyword", "training", "reference = training", "The model's training split.");
    ctx.setType(expr, { kind: "word", value: "training" });
    if (model?.source) useColumns(ctx, targets, model.source);
    return targets;
  }
  if (expr.kind !== "Name") {
    if (expr.kind !== "Error") ctx.report(file, "type-mismatch", expr.span, "reference expects `training` or a source name");
    return targets;
  }
  const source = lookupBlock(ctx, file, expr.name, "source", "reference data: `training` or a source");
  if (source) {
    ctx.setType(expr, { kind: "decl", declKind: "source", name: source.name });
    useColumns(ctx, targets, source.name);
  }
  return targets;
}

function useColumns(ctx: DeclContext, targets: DriftTargets, sourceName: string): void {
  const source = ctx.checker.table.block(sourceName);
  if (source?.declKind !== "source") return;
  targets.columns = sourceColumns(ctx, source);
  targets.columnSource = sourceName;
}

/** The type a drift rule's target has, reporting unknown targets. */
function driftTargetType(ctx: DeclContext, file: ProgramFile, id: Identifier, targets: DriftTargets): Type | undefined {
  const name = id.name;
  if (name === "*") return UNKNOWN;
  if (name === "prediction") {
    ctx.annotate(
      file,
      id.span,
      "keyword",
      "prediction",
      "drift prediction",
      "The model's predictions (scores for binary and regression, classes for multiclass).",
    );
    return targets.prediction ?? UNKNOWN;
  }
  const c = targets.columns.get(name);
  if (c && targets.columnSource) {
    ctx.reference(file, id.span, columnSymbol(targets.columnSource, c));
    return c.type;
  }
  const f = targets.features.get(name);
  const set = targets.featureSets.get(name);
  if (f && set) {
    ctx.reference(file, id.span, featureSymbol(set, f));
    return f.type;
  }
  if (!targets.columnSource && targets.features.size === 0) return UNKNOWN; // nothing known to check against
  const candidates = [...targets.columns.keys(), ...targets.features.keys(), "prediction"];
  const { hints, fixes } = suggestion(file, id, candidates);
  ctx.report(
    file,
    "unknown-reference",
    id.span,
    `\`${name}\` is not a column of the reference data, a feature of the model or \`prediction\``,
    hints,
    fixes,
  );
  return undefined;
}

function twoValued(t: Type): boolean {
  return t.kind === "bool" || (t.kind === "enum" && t.values.length === 2);
}

function checkDrift(ctx: DeclContext, file: ProgramFile, member: DriftMember, targets: DriftTargets, named: Set<string>): void {
  const id = member.target;
  if (named.has(id.name)) ctx.report(file, "duplicate-declaration", id.span, `\`${id.name}\` already has a drift rule in this monitor`);
  named.add(id.name);
  const type = driftTargetType(ctx, file, id, targets);
  const rule = unwrapParens(member.rule);
  if (rule.kind === "Error") return;
  if (rule.kind === "Name" && rule.name.name === "auto") {
    ctx.annotate(file, rule.span, "drift-method", "auto", "drift method auto", AUTO_DRIFT_DOC);
    return;
  }
  if (rule.kind !== "Binary" || rule.left.kind !== "Name" || !["<", "<=", ">", ">="].includes(rule.operator)) {
    ctx.report(file, "type-mismatch", rule.span, "a drift rule reads `METHOD op THRESHOLD` (e.g. `psi > 0.2`) or `auto`");
    return;
  }
  const methodId = rule.left.name;
  const method = DRIFT_METHODS[methodId.name as Exclude<DriftMethodName, "auto">];
  if (!method) {
    const guess = closestMatch(methodId.name, [...Object.keys(DRIFT_METHODS), "auto"]);
    ctx.report(
      file,
      "unknown-reference",
      methodId.span,
      `\`${methodId.name}\` is not a drift method`,
      guess ? [`did you mean \`${guess}\`?`] : [`methods: ${Object.keys(DRIFT_METHODS).join(", ")}, auto`],
      guess ? [renameFix(file, methodId, guess)] : [],
    );
    return;
  }
  ctx.annotate(file, methodId.span, "drift-method", methodId.name, `drift method ${methodId.name}`, method.doc);
  if (type && type.kind !== "unknown") {
    const numeric = isNumeric(type);
    const categorical = isCategorical(type);
    const ok =
      type.kind !== "vector" &&
      ((numeric && method.numeric && !(method.twoValuedOnly && !numeric)) ||
        (categorical && method.categorical && (!method.twoValuedOnly || twoValued(type))));
    if (!ok) {
      const valid = Object.entries(DRIFT_METHODS)
        .filter(([, m]) => (numeric && m.numeric) || (categorical && m.categorical && (!m.twoValuedOnly || twoValued(type))))
        .map(([n]) => n);
      ctx.report(
        file,
        "drift-method-for-type",
        methodId.span,
        `drift method \`${methodId.name}\` does not apply to \`${id.name}\` (${typeToString(type)})`,
        [valid.length ? `methods for ${typeToString(type)}: ${valid.join(", ")}, auto` : "drift a column instead of a vector feature"],
      );
      return;
    }
  }
  const above = rule.operator === ">" || rule.operator === ">=";
  if ((method.driftsWhen === "above") !== above) {
    const fix = method.driftsWhen === "above" ? ">" : "<";
    ctx.report(
      file,
      "drift-direction",
      rule.operatorSpan,
      method.driftsWhen === "above"
        ? `\`${methodId.name}\` is a distance: it drifts when above its threshold, so compare with \`>\``
        : `\`${methodId.name}\` gives a p-value: it drifts when below its threshold, so compare with \`<\``,
      [`write \`${methodId.name} ${fix} ...\``],
      [{ title: `Use ${fix}`, edits: [{ file: file.path, range: file.lineMap.range(rule.operatorSpan), newText: fix }] }],
    );
    return;
  }
  const lit = numberLiteral(rule.right);
  if (!lit) {
    const t = new ExprTyper(ctx, file, noNames).type(rule.right);
    if (t.kind !== "unknown") ctx.report(file, "type-mismatch", rule.right.span, "a drift threshold is a number");
    return;
  }
  if (lit.unit && lit.unit !== "%") {
    ctx.report(file, "unit-mismatch", lit.unitSpan ?? lit.span, `a drift threshold is a plain number; \`${lit.unit}\` has no meaning here`);
    return;
  }
  const v = lit.unit === "%" ? lit.value / 100 : lit.value;
  const bounded = method.driftsWhen === "below" || methodId.name === "jensen_shannon";
  if (v < 0 || (bounded && v > 1)) {
    ctx.report(
      file,
      "out-of-range",
      lit.span,
      `${methodId.name} threshold ${lit.value}${lit.unit ?? ""} is out of range: it must be ${bounded ? "within 0..1" : "at least 0"}`,
    );
  }
}

const noNames: ExprScope = {
  describe: "a number",
  candidates: () => [],
  functions: () => [],
  name: () => undefined,
  call: () => undefined,
};

/** What a `when` condition may read: drift targets, and the model's metrics when the monitor has labels. */
interface PolicySignals {
  targets: DriftTargets;
  model: ModelInfo | undefined;
  /** `invalid`: a `labels` field with errors of its own (metrics are not reported again). */
  labels: "valid" | "invalid" | "none";
}

function checkWhen(vc: ValueChecker, owner: BlockSymbol, condition: Expr, action: Expr, signals: PolicySignals): void {
  const ctx = vc.ctx;
  const file = owner.file;
  const typer = new ExprTyper(ctx, file, signalScope(ctx, signals));
  const t = typer.type(condition);
  if (t.kind !== "unknown" && t.kind !== "bool")
    ctx.report(file, "type-mismatch", condition.span, `a \`when\` condition must be a bool, found ${typeToString(t)}`);
  checkAction(vc, owner, action);
}

function signalScope(ctx: DeclContext, { targets, model, labels }: PolicySignals): ExprScope {
  return {
    describe: "a monitor signal (drift_share, drifted(col), latency_p50/95/99, error_rate, request_rate) or a model metric",
    candidates: () => [
      ...Object.keys(MONITOR_SIGNALS),
      ...Object.keys(METRICS).filter((m) => !model?.task || METRICS[m]!.tasks.includes(model.task)),
    ],
    functions: () => ["drifted"],
    name: (typer, id) => {
      const signal = MONITOR_SIGNALS[id.name];
      if (signal) {
        ctx.annotate(typer.file, id.span, "signal", id.name, `signal ${id.name} (${signal.type})`, signal.doc);
        return signal.type === "ratio" ? quantity("ratio") : signal.type === "duration" ? quantity("duration") : FLOAT;
      }
      if (METRICS[id.name]) {
        const info = checkMetricName(ctx, typer.file, id, model?.task, modelWhere(model));
        if (info && labels === "none" && !info.fairness && info.unit !== "ms")
          ctx.report(
            typer.file,
            "missing-field",
            id.span,
            `\`${id.name}\` compares predictions with true outcomes, and this monitor has no labels: add \`labels = { source = SOURCE, key = request_id | COLUMN }\``,
            [
              "the labels source holds the outcomes; `key` joins each to its prediction (the request id `mlops serve` answered with, or a column both carry)",
            ],
          );
        return info ? metricType(info) : UNKNOWN;
      }
      return undefined;
    },
    call: (typer, call, name) => {
      if (name !== "drifted") return undefined;
      ctx.annotate(
        typer.file,
        call.callee.span,
        "signal",
        "drifted",
        "drifted(column) -> bool",
        "True when the named column's drift rule fired in this check.",
      );
      const arg = call.args[0] ? unwrapParens(call.args[0].value) : undefined;
      if (call.args.length !== 1 || !arg || arg.kind !== "Name") {
        typer.report("type-mismatch", call.span, "drifted(column) takes one column, feature or `prediction`");
        return BOOL;
      }
      driftTargetType(ctx, typer.file, arg.name, targets);
      return BOOL;
    },
  };
}
