/** `deploy`: the gate judges the same model, autoscale bounds, canary steps, batch input columns. */
import { checkIgnoredReplicas } from "./ignored-settings.js";
import type { DeployInfo } from "./infos.js";
import type { MergedDecl, MergedValue } from "./merge.js";
import { modelInfoOf, refName } from "./gates.js";
import { sourceColumns } from "./features.js";
import type { ValueChecker } from "./values.js";
import { numberLiteral } from "./values.js";
import { normalizeQuantity } from "./units.js";

export function checkDeployment(vc: ValueChecker, merged: MergedDecl): DeployInfo {
  const ctx = vc.ctx;
  const model = refName(merged, "model");
  const gate = refName(merged, "gate");
  const info: DeployInfo = { kind: "deploy" };
  const modelSymbol = model ? ctx.checker.table.block(model) : undefined;
  if (model && modelSymbol?.declKind === "model" && !modelSymbol.isTemplate) info.model = model;
  const gateField = merged.fields.get("gate");
  if (gate && gateField) {
    const gateSymbol = ctx.checker.table.block(gate);
    if (gateSymbol?.declKind === "gate" && !gateSymbol.isTemplate) {
      info.gate = gate;
      const gateResult = ctx.checker.result(gateSymbol);
      ctx.use(gateResult, `decl:${gate}`);
      const judged = gateResult.info.kind === "gate" ? gateResult.info.model : undefined;
      if (judged && info.model && judged !== info.model) {
        ctx.report(
          gateField.value.owner.file,
          "type-mismatch",
          gateField.value.expr.span,
          `gate \`${gate}\` judges model \`${judged}\`, but this deployment serves \`${info.model}\``,
          ["a deployment's gate must judge the model it deploys"],
        );
      }
    }
  }
  const target = merged.fields.get("target")?.value;
  if (target?.constructorName) {
    info.target = target.constructorName;
    checkAutoscale(vc, target);
    if (target.constructorName === "kubernetes") checkReplicas(vc, target);
    if (target.constructorName === "batch") checkBatchInput(vc, target, info.model);
  }
  const rollout = merged.fields.get("rollout")?.value;
  if (rollout?.constructorName === "canary") checkCanary(vc, rollout);
  return info;
}

function checkAutoscale(vc: ValueChecker, target: MergedValue): void {
  const autoscale = target.fields?.get("autoscale")?.value;
  checkBounds(vc, autoscale?.fields?.get("min")?.value, autoscale?.fields?.get("max")?.value, "autoscale.min", "autoscale.max");
  checkBounds(vc, target.fields?.get("min_replicas")?.value, target.fields?.get("max_replicas")?.value, "min_replicas", "max_replicas");
}

/** `replicas` or `autoscale`: one says how many pods run; `replicas` beside `autoscale` is ignored. */
function checkReplicas(vc: ValueChecker, target: MergedValue): void {
  if (!target.fields?.has("replicas") && !target.fields?.has("autoscale") && !vc.partial && target.expr.kind === "Constructor") {
    vc.ctx.report(target.owner.file, "missing-field", target.expr.name.span, "kubernetes needs `replicas` (a fixed count) or `autoscale`");
  }
  checkIgnoredReplicas(vc.ctx, target);
}

function checkBounds(vc: ValueChecker, min: MergedValue | undefined, max: MergedValue | undefined, minName: string, maxName: string): void {
  if (!min || !max) return;
  const lo = numberLiteral(min.expr);
  const hi = numberLiteral(max.expr);
  if (lo && hi && lo.value > hi.value) {
    vc.ctx.report(max.owner.file, "out-of-range", max.expr.span, `${maxName} = ${hi.value} is below ${minName} = ${lo.value}`, [
      "max must be at least min",
    ]);
  }
}

function checkCanary(vc: ValueChecker, rollout: MergedValue): void {
  const steps = rollout.fields?.get("steps")?.value;
  if (steps?.expr.kind !== "List") return;
  let prev = 0;
  let last: { value: number; span: { start: number; end: number } } | undefined;
  for (const el of steps.expr.elements) {
    const lit = numberLiteral(el);
    if (!lit) return;
    const v = normalizeQuantity("ratio", lit.value, lit.unit);
    if (v === undefined || v <= 0 || v > 1) return; // reported by the slot check
    if (v <= prev) {
      vc.ctx.report(
        steps.owner.file,
        "out-of-range",
        el.span,
        `canary steps must increase: ${lit.value}${lit.unit ?? ""} does not come after ${Number((prev * 100).toPrecision(12))}%`,
      );
      return;
    }
    prev = v;
    last = { value: v, span: el.span };
  }
  if (last && last.value !== 1) {
    vc.ctx.report(
      steps.owner.file,
      "out-of-range",
      last.span,
      `the last canary step must be 100% (all traffic), found ${Number((last.value * 100).toPrecision(12))}%`,
      ["append 100% to the steps"],
    );
  }
}

function checkBatchInput(vc: ValueChecker, target: MergedValue, model: string | undefined): void {
  const input = target.fields?.get("input")?.value;
  if (input?.expr.kind !== "Name" || !model) return;
  const ctx = vc.ctx;
  const source = ctx.checker.table.block(input.expr.name.name);
  const info = modelInfoOf(ctx, model);
  if (source?.declKind !== "source" || !info?.featureSet) return;
  const setSymbol = ctx.checker.table.block(info.featureSet);
  if (!setSymbol) return;
  const set = ctx.checker.result(setSymbol).info;
  if (set.kind !== "features") return;
  const have = sourceColumns(ctx, source);
  const needed = new Set<string>();
  for (const f of set.features.values()) for (const c of f.columns) needed.add(c);
  const missing = [...needed].filter((c) => !have.has(c)).sort();
  if (missing.length) {
    ctx.report(
      input.owner.file,
      "type-mismatch",
      input.expr.span,
      `batch input \`${source.name}\` lacks column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `\`${m}\``).join(", ")} that model \`${model}\`'s features read`,
    );
  }
}
