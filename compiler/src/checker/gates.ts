/** `gate`: `require METRIC op THRESHOLD` rules typed against the model's task. */
import type { Task } from "../plan/types.js";
import type { ProgramFile } from "../program/source-files.js";
import type { BinaryExpr, CallExpr, Expr, Identifier } from "../syntax/ast.js";
import type { MetricInfo } from "./catalog.js";
import { METRICS, metricsForTask } from "./catalog.js";
import type { DeclContext } from "./context.js";
import { closestMatch } from "./edit-distance.js";
import type { ExprScope } from "./expressions.js";
import { ExprTyper } from "./expressions.js";
import { columnSymbol, sourceColumns } from "./features.js";
import type { GateInfo, ModelInfo } from "./infos.js";
import type { MergedDecl } from "./merge.js";
import { unwrapParens } from "./merge.js";
import { renameFix, suggestion } from "./resolve.js";
import type { Type } from "./types.js";
import { FLOAT, UNKNOWN, isCategorical, quantity, typeToString } from "./types.js";
import type { ValueChecker } from "./values.js";
import { numberLiteral } from "./values.js";

export function modelInfoOf(ctx: DeclContext, name: string | undefined): ModelInfo | undefined {
  if (!name) return undefined;
  const symbol = ctx.checker.table.block(name);
  if (symbol?.declKind !== "model") return undefined;
  const result = ctx.checker.result(symbol);
  ctx.use(result, `decl:${name}`);
  return result.info.kind === "model" ? result.info : undefined;
}

export function refName(merged: MergedDecl, field: string): string | undefined {
  const f = merged.fields.get(field);
  const e = f?.value.expr;
  return e?.kind === "Name" ? e.name.name : undefined;
}

export function checkGate(vc: ValueChecker, merged: MergedDecl): GateInfo {
  const ctx = vc.ctx;
  const modelName = refName(merged, "model");
  const model = modelInfoOf(ctx, modelName);
  for (const { member, owner } of merged.statements) {
    if (member.kind !== "Require") continue;
    checkRule(ctx, owner.file, member.condition, model);
  }
  return { kind: "gate", ...(modelName && model ? { model: modelName } : {}) };
}

export interface MetricRef {
  name: string;
  id: Identifier;
  info: MetricInfo;
  by?: Identifier;
}

export function metricType(info: MetricInfo): Type {
  return info.unit === "ratio" ? quantity("ratio") : info.unit === "ms" ? quantity("duration") : FLOAT;
}

/** Resolves a metric name against the task; reports unknown and task-foreign metrics. */
export function checkMetricName(
  ctx: DeclContext,
  file: ProgramFile,
  id: Identifier,
  task: Task | undefined,
  where: string,
): MetricInfo | undefined {
  const info = METRICS[id.name];
  if (!info) {
    const candidates = task ? metricsForTask(task) : Object.keys(METRICS);
    const guess = closestMatch(id.name, candidates);
    ctx.report(
      file,
      "unknown-reference",
      id.span,
      `\`${id.name}\` is not a metric`,
      guess ? [`did you mean \`${guess}\`?`] : [`metrics${task ? ` for ${task}` : ""}: ${candidates.join(", ")}`],
      guess ? [renameFix(file, id, guess)] : [],
    );
    return undefined;
  }
  ctx.annotate(
    file,
    id.span,
    "metric",
    id.name,
    `metric ${id.name} (${info.unit === "ms" ? "duration" : info.unit}, ${info.better} is better)`,
    info.doc,
  );
  if (task && !info.tasks.includes(task)) {
    const valid = metricsForTask(task);
    const guess = closestMatch(id.name, valid);
    ctx.report(file, "metric-not-for-task", id.span, `\`${id.name}\` is not a metric of ${task}${where ? ` (${where})` : ""}`, [
      ...(guess ? [`did you mean \`${guess}\`?`] : []),
      `metrics for ${task}: ${valid.join(", ")}`,
    ]);
    return undefined;
  }
  return info;
}

function checkRule(ctx: DeclContext, file: ProgramFile, condition: Expr, model: ModelInfo | undefined): void {
  const cond = unwrapParens(condition);
  if (cond.kind === "Error") return;
  if (cond.kind !== "Binary" || !["<", "<=", ">", ">=", "==", "!="].includes(cond.operator)) {
    ctx.report(file, "type-mismatch", cond.span, "a require rule reads `METRIC op THRESHOLD`, e.g. `require auc >= 0.8`");
    return;
  }
  const metric = ruleMetric(ctx, file, cond, model);
  if (!metric) {
    new ExprTyper(ctx, file, thresholdScope(ctx, model, undefined)).type(cond.right);
    return;
  }
  const expected = metricType(metric.info);
  const typer = new ExprTyper(ctx, file, thresholdScope(ctx, model, metric));
  const t = typer.type(cond.right, expected);
  ctx.setType(cond.left, expected);
  if (t.kind === "unknown") return;
  if (metric.info.unit === "ms" && !(t.kind === "quantity" && t.unit === "duration")) {
    ctx.report(
      file,
      "type-mismatch",
      cond.right.span,
      `\`${metric.name}\` is a duration; compare it with a duration like 20ms, found ${typeToString(t)}`,
    );
    return;
  }
  if (metric.info.unit !== "ms" && t.kind === "quantity" && t.unit !== "ratio") {
    ctx.report(
      file,
      "type-mismatch",
      cond.right.span,
      `\`${metric.name}\` is a ${metric.info.unit === "ratio" ? "ratio" : "number"}, found ${typeToString(t)}`,
    );
    return;
  }
  if (metric.info.unit === "number" && !checkNumberThreshold(ctx, file, metric, cond.right)) return;
  if (metric.info.unit === "ratio") {
    const lit = numberLiteral(cond.right);
    if (lit) {
      const v = lit.unit === "%" ? lit.value / 100 : lit.value;
      if (v < 0 || v > 1)
        ctx.report(
          file,
          "out-of-range",
          lit.span,
          `\`${metric.name}\` is a ratio in 0..1; the threshold ${lit.value}${lit.unit ?? ""} can never be met`,
          !lit.unit && lit.value > 1 && lit.value <= 100 && Number.isInteger(lit.value) ? [`did you mean \`${lit.value}%\`?`] : [],
        );
    }
  }
}

/**
 * A threshold a `number` metric cannot be meant with: a percentage of a metric in target units
 * (`rmse <= 70%` is 0.7 target units), or a value outside the metric's range (`r2 >= 30`).
 * False when reported.
 */
function checkNumberThreshold(ctx: DeclContext, file: ProgramFile, metric: MetricRef, threshold: Expr): boolean {
  const lit = numberLiteral(threshold);
  if (!lit) return true;
  if (lit.unit === "%" && !metric.info.percent) {
    ctx.report(
      file,
      "unit-mismatch",
      lit.span,
      `\`${metric.name}\` is in the target's units, not a share: ${lit.value}% would mean ${lit.value / 100}`,
      [`write the threshold in the target's units, e.g. \`${metric.name} <= ${lit.value / 100}\` if that is what you mean`],
    );
    return false;
  }
  const value = lit.unit === "%" ? lit.value / 100 : lit.value;
  const { min, max } = metric.info.range ?? {};
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const bounds =
      min !== undefined && max !== undefined ? `within ${min}..${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
    const hints = metric.name === "r2" && value > 1 && value <= 100 ? [`did you mean \`${value / 100}\`?`] : [];
    ctx.report(
      file,
      "out-of-range",
      lit.span,
      `\`${metric.name}\` is ${bounds}; a threshold of ${lit.value}${lit.unit ?? ""} cannot be meant`,
      hints,
    );
    return false;
  }
  return true;
}

export function modelWhere(model: ModelInfo | undefined): string {
  return model?.name ? `the task of model \`${model.name}\`` : "";
}

function ruleMetric(ctx: DeclContext, file: ProgramFile, cond: BinaryExpr, model: ModelInfo | undefined): MetricRef | undefined {
  const left = unwrapParens(cond.left);
  const task = model?.task;
  if (left.kind === "Name") {
    const info = checkMetricName(ctx, file, left.name, task, modelWhere(model));
    if (!info) return undefined;
    if (info.fairness) {
      ctx.report(
        file,
        "missing-field",
        left.span,
        `\`${left.name.name}\` needs the column to compare groups by: ${left.name.name}(by = column)`,
      );
      return undefined;
    }
    return { name: left.name.name, id: left.name, info };
  }
  if (left.kind === "Call" && left.callee.kind === "Name") {
    const info = checkMetricName(ctx, file, left.callee.name, task, modelWhere(model));
    if (!info) return undefined;
    if (!info.fairness) {
      ctx.report(
        file,
        "type-mismatch",
        left.span,
        `\`${left.callee.name.name}\` takes no arguments (only fairness metrics take \`by = column\`)`,
      );
      return undefined;
    }
    const by = fairnessBy(ctx, file, left, model);
    return { name: left.callee.name.name, id: left.callee.name, info, ...(by ? { by } : {}) };
  }
  ctx.report(file, "type-mismatch", left.span, "a require rule starts with a metric: `require auc >= 0.8`");
  return undefined;
}

function fairnessBy(ctx: DeclContext, file: ProgramFile, call: CallExpr, model: ModelInfo | undefined): Identifier | undefined {
  const arg = call.args[0];
  const value = arg ? unwrapParens(arg.value) : undefined;
  if (call.args.length !== 1 || !arg || arg.name?.name !== "by" || !value || value.kind !== "Name") {
    ctx.report(
      file,
      "type-mismatch",
      call.span,
      `${call.callee.kind === "Name" ? call.callee.name.name : "this metric"}(by = column) takes one named argument \`by\``,
    );
    return undefined;
  }
  if (!model?.source) return value.name;
  const source = ctx.checker.table.block(model.source);
  if (!source) return value.name;
  const columns = sourceColumns(ctx, source);
  const c = columns.get(value.name.name);
  if (!c) {
    const { hints, fixes } = suggestion(file, value.name, columns.keys());
    ctx.report(file, "unknown-reference", value.span, `source \`${model.source}\` has no column \`${value.name.name}\``, hints, fixes);
    return undefined;
  }
  ctx.reference(file, value.name.span, columnSymbol(model.source, c));
  ctx.setType(value, c.type);
  if (c.type.kind !== "unknown" && !isCategorical(c.type)) {
    ctx.report(
      file,
      "type-mismatch",
      value.span,
      `fairness groups come from a categorical or bool column; \`${c.name}\` is ${typeToString(c.type)}`,
      ["bucket a numeric column into an enum column upstream"],
    );
    return undefined;
  }
  return value.name;
}

function thresholdScope(ctx: DeclContext, model: ModelInfo | undefined, metric: MetricRef | undefined): ExprScope {
  return {
    describe: "a threshold (a number, `params.NAME` or `champion.METRIC`)",
    candidates: () => [],
    functions: () => [],
    name: (typer, id) => {
      if (METRICS[id.name]) {
        typer.report("type-mismatch", id.span, `a threshold cannot read another metric; did you mean \`champion.${id.name}\`?`);
        return UNKNOWN;
      }
      return undefined;
    },
    member: (typer, expr) => {
      if (expr.object.kind !== "Name" || expr.object.name.name !== "champion") return undefined;
      ctx.annotate(
        typer.file,
        expr.object.span,
        "keyword",
        "champion",
        "champion",
        "The model currently aliased `production` in the registry; with none, the rule passes unless `on_no_champion = fail`.",
      );
      const info = checkMetricName(ctx, typer.file, expr.property, model?.task, modelWhere(model));
      if (!info) return UNKNOWN;
      if (metric && (info.unit !== metric.info.unit || info.fairness)) {
        typer.report(
          "type-mismatch",
          expr.span,
          `\`champion.${expr.property.name}\` is a ${info.unit === "ms" ? "duration" : info.unit}, but the rule compares \`${metric.name}\` (${metric.info.unit === "ms" ? "duration" : metric.info.unit})`,
          [`compare like with like: champion.${metric.name}`],
        );
        return UNKNOWN;
      }
      return metricType(info);
    },
    call: () => undefined,
  };
}
