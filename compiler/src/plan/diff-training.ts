/**
 * The plan diff's model and monitor sections: what a reviewer must see besides "cache key
 * changed". A model's trainer, split, task, target or feature set (each retrains it); a
 * monitor's drift thresholds and policies, classified like gate rules: a drift threshold or
 * a policy that fires less often is `loosened`, one that fires more often `tightened`.
 */
import { canonicalJson } from "../util/canonical-json.js";
import { count } from "../util/count.js";
import { comparisonOf, keysOf, raisingNarrows, same } from "./diff-support.js";
import { printPlanExpr } from "./expr.js";
import type { DriftRule, ModelSpec, MonitorSpec, Plan, Policy } from "./types.js";

export interface ModelChange {
  model: string;
  /** `trainer`, `trainer.epochs`, `split.test`, `task`, `target`, `featureSet`, `(added)`, `(removed)`. */
  field: string;
  before?: string;
  after?: string;
}

export interface MonitorChange {
  monitor: string;
  /** The drift rule's target (`drift amount`), the policy (`when … => retrain(m)`), or a field (`window`). */
  rule: string;
  /** `loosened`: raises fewer alarms (what reviewers must see); `tightened`: more; `changed`: not comparable. */
  effect: "tightened" | "loosened" | "changed";
  before?: string;
  after?: string;
}

type Effect = MonitorChange["effect"];

function show(value: unknown): string {
  return typeof value === "string" ? value : canonicalJson(value);
}

/** Field → shown value of the parts of a model a change of which retrains it. */
function modelFields(model: ModelSpec): Record<string, string> {
  const fields: Record<string, string> = {
    task: model.task,
    target: model.target.column,
    featureSet: model.featureSet,
    trainer: model.trainer.kind,
  };
  for (const [key, value] of Object.entries(model.split)) fields[`split.${key}`] = show(value);
  for (const [key, value] of Object.entries(model.trainer)) if (key !== "kind") fields[`trainer.${key}`] = show(value);
  return fields;
}

export function diffModels(before: Plan, after: Plan): ModelChange[] {
  const changes: ModelChange[] = [];
  for (const name of keysOf(before.models, after.models)) {
    const a = before.models[name];
    const b = after.models[name];
    if (!a || !b) {
      changes.push({
        model: name,
        field: a ? "(removed)" : "(added)",
        ...(a && { before: a.trainer.kind }),
        ...(b && { after: b.trainer.kind }),
      });
      continue;
    }
    const fa = modelFields(a);
    const fb = modelFields(b);
    for (const field of keysOf(fa, fb)) {
      // another trainer kind: its own parameters are not comparable, the kind says it all
      if (field.startsWith("trainer.") && fa.trainer !== fb.trainer) continue;
      if (fa[field] !== fb[field])
        changes.push({
          model: name,
          field,
          ...(fa[field] !== undefined && { before: fa[field] }),
          ...(fb[field] !== undefined && { after: fb[field] }),
        });
    }
  }
  return changes;
}

function describeDrift(rule: DriftRule): string {
  return `${rule.method} ${rule.comparison} ${+rule.threshold.toFixed(6)}`;
}

/** A distance drifts above its threshold: raising it raises fewer alarms. A p-value drifts below it: the reverse. */
function driftEffect(a: DriftRule, b: DriftRule): Effect {
  if (a.method !== b.method || a.driftsWhen !== b.driftsWhen || a.threshold === b.threshold) return "changed";
  const raised = b.threshold > a.threshold;
  return raised === (a.driftsWhen === "above") ? "loosened" : "tightened";
}

/** A policy fires when its condition holds: `drift_share >= 30%` → `50%` fires less (loosened). */
function policyEffect(a: Policy, b: Policy): Effect {
  const ca = comparisonOf(a.condition);
  const cb = comparisonOf(b.condition);
  if (!ca || !cb || ca.subject !== cb.subject || ca.operator !== cb.operator || ca.value === cb.value) return "changed";
  const narrows = raisingNarrows(ca.operator);
  if (narrows === undefined) return "changed";
  return cb.value > ca.value === narrows ? "loosened" : "tightened";
}

function actionText(policy: Policy): string {
  const action = policy.action as { kind: string } & Record<string, unknown>;
  const argument = Object.entries(action).find(([key]) => key !== "kind");
  if (!argument) return `${action.kind}()`;
  // a channel is a string in the source; names (models, deployments, notifiers) are not
  return `${action.kind}(${argument[0] === "channel" ? JSON.stringify(argument[1]) : show(argument[1])})`;
}

function diffMonitor(name: string, a: MonitorSpec, b: MonitorSpec): MonitorChange[] {
  const changes: MonitorChange[] = [];
  const rulesA = new Map(a.drift.map((r) => [r.target, r]));
  const rulesB = new Map(b.drift.map((r) => [r.target, r]));
  for (const target of keysOf(Object.fromEntries(rulesA), Object.fromEntries(rulesB))) {
    const ra = rulesA.get(target);
    const rb = rulesB.get(target);
    const rule = `drift ${target}`;
    if (ra && !rb) changes.push({ monitor: name, rule, effect: "loosened", before: describeDrift(ra) });
    else if (!ra && rb) changes.push({ monitor: name, rule, effect: "tightened", after: describeDrift(rb) });
    else if (ra && rb && !same(ra, rb))
      changes.push({ monitor: name, rule, effect: driftEffect(ra, rb), before: describeDrift(ra), after: describeDrift(rb) });
  }
  const policiesA = new Map(a.policies.map((p) => [canonicalJson(p.action), p]));
  const policiesB = new Map(b.policies.map((p) => [canonicalJson(p.action), p]));
  for (const key of keysOf(Object.fromEntries(policiesA), Object.fromEntries(policiesB))) {
    const pa = policiesA.get(key);
    const pb = policiesB.get(key);
    const rule = `when … => ${actionText((pa ?? pb)!)}`;
    if (pa && !pb) changes.push({ monitor: name, rule, effect: "loosened", before: printPlanExpr(pa.condition) });
    else if (!pa && pb) changes.push({ monitor: name, rule, effect: "tightened", after: printPlanExpr(pb.condition) });
    else if (pa && pb && !same(pa, pb))
      changes.push({
        monitor: name,
        rule,
        effect: policyEffect(pa, pb),
        before: printPlanExpr(pa.condition),
        after: printPlanExpr(pb.condition),
      });
  }
  for (const field of ["deployment", "reference", "windowMs", "schedule"] as const) {
    if (!same(a[field], b[field]))
      changes.push({ monitor: name, rule: field, effect: "changed", before: show(a[field]), after: show(b[field]) });
  }
  return changes;
}

export function diffMonitors(before: Plan, after: Plan): MonitorChange[] {
  const changes: MonitorChange[] = [];
  for (const name of keysOf(before.monitors, after.monitors)) {
    const a = before.monitors[name];
    const b = after.monitors[name];
    if (a && !b)
      changes.push({ monitor: name, rule: "(monitor removed)", effect: "loosened", before: count(a.drift.length, "drift rule") });
    else if (!a && b)
      changes.push({ monitor: name, rule: "(monitor added)", effect: "tightened", after: count(b.drift.length, "drift rule") });
    else if (a && b) changes.push(...diffMonitor(name, a, b));
  }
  return changes;
}
