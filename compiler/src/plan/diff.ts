import { canonicalJson } from "../util/canonical-json.js";
import { printPlanExpr } from "./expr.js";
import { constant, keysOf, same } from "./diff-support.js";
import { diffModels, diffMonitors, type ModelChange, type MonitorChange } from "./diff-training.js";
import { diffExecution, type ExecutionChange } from "./diff-execution.js";
import type { ColumnSpec, GateRule, ParamValue, Plan, TargetSpec, ValueType } from "./types.js";
import { count } from "../util/count.js";

/**
 * A semantic diff of two plans for code review. Each change is classified so
 * a reviewer (or a bot) sees what matters: a loosened release gate, a
 * breaking schema change, a deployment that got more replicas.
 */
export interface PlanDiff {
  params: ParamChange[];
  gates: GateChange[];
  schemas: SchemaChange[];
  features: FeatureChange[];
  deployments: DeploymentChange[];
  /** Trainer, split, task, target and feature set of each model (each retrains it). */
  models: ModelChange[];
  /** Drift thresholds and policies: a loosened drift threshold matters as much as a loosened gate. */
  monitors: MonitorChange[];
  /** Resources, retries, timeout, placement and queue of the steps both plans have (no cache key sees them). */
  execution: ExecutionChange[];
  steps: StepChange[];
}

export type { ExecutionChange, ModelChange, MonitorChange };

export interface ParamChange {
  param: string;
  before?: ParamValue;
  after?: ParamValue;
}

export interface GateChange {
  gate: string;
  rule: string;
  /** `tightened`: harder to pass; `loosened`: easier (what reviewers must see); `changed`: not comparable. */
  effect: "tightened" | "loosened" | "changed";
  before?: string;
  after?: string;
}

export interface SchemaChange {
  source: string;
  column: string;
  effect: "breaking" | "compatible";
  what: string;
}

export interface FeatureChange {
  featureSet: string;
  feature: string;
  change: "added" | "removed" | "changed";
  before?: string;
  after?: string;
}

export interface DeploymentChange {
  deployment: string;
  field: string;
  before?: string;
  after?: string;
}

export interface StepChange {
  step: string;
  change: "added" | "removed" | "cache key changed";
}

export function diffPlans(before: Plan, after: Plan): PlanDiff {
  return {
    params: diffParams(before, after),
    gates: diffGates(before, after),
    schemas: diffSchemas(before, after),
    features: diffFeatures(before, after),
    deployments: diffDeployments(before, after),
    models: diffModels(before, after),
    monitors: diffMonitors(before, after),
    execution: diffExecution(before, after),
    steps: diffSteps(before, after),
  };
}

export function isEmptyDiff(diff: PlanDiff): boolean {
  return Object.values(diff).every((list: unknown[]) => list.length === 0);
}

// ---------------------------------------------------------------- params

function diffParams(before: Plan, after: Plan): ParamChange[] {
  const changes: ParamChange[] = [];
  for (const name of keysOf(before.params, after.params)) {
    const a = before.params[name]?.value;
    const b = after.params[name]?.value;
    if (!same(a, b)) changes.push({ param: name, ...(a !== undefined && { before: a }), ...(b !== undefined && { after: b }) });
  }
  return changes;
}

// ---------------------------------------------------------------- gates

function ruleKey(rule: GateRule): string {
  return `${rule.metric}${rule.by ? `(by=${rule.by})` : ""} ${rule.comparison}${rule.usesChampion ? " champion" : ""}`;
}

/** For `metric >= t`, a higher t is harder to pass; for `metric <= t`, a lower one. */
function thresholdEffect(rule: GateRule, before: number, after: number): GateChange["effect"] {
  if (before === after) return "changed";
  const atLeast = rule.comparison === ">=" || rule.comparison === ">";
  const atMost = rule.comparison === "<=" || rule.comparison === "<";
  if (!atLeast && !atMost) return "changed";
  const raised = after > before;
  return raised === atLeast ? "tightened" : "loosened";
}

function diffGates(before: Plan, after: Plan): GateChange[] {
  const changes: GateChange[] = [];
  for (const name of keysOf(before.gates, after.gates)) {
    const a = before.gates[name];
    const b = after.gates[name];
    if (!a && b) {
      changes.push({ gate: name, rule: "(gate added)", effect: "tightened", after: count(b.rules.length, "rule") });
      continue;
    }
    if (a && !b) {
      changes.push({ gate: name, rule: "(gate removed)", effect: "loosened", before: count(a.rules.length, "rule") });
      continue;
    }
    if (!a || !b) continue;
    const rulesA = new Map(a.rules.map((r) => [ruleKey(r), r]));
    const rulesB = new Map(b.rules.map((r) => [ruleKey(r), r]));
    for (const key of [...new Set([...rulesA.keys(), ...rulesB.keys()])].sort()) {
      const ra = rulesA.get(key);
      const rb = rulesB.get(key);
      if (ra && !rb) changes.push({ gate: name, rule: ra.text, effect: "loosened", before: ra.text });
      else if (!ra && rb) changes.push({ gate: name, rule: rb.text, effect: "tightened", after: rb.text });
      else if (ra && rb && !same(ra.threshold, rb.threshold)) {
        const ta = constant(ra.threshold);
        const tb = constant(rb.threshold);
        const effect = ta !== undefined && tb !== undefined ? thresholdEffect(rb, ta, tb) : "changed";
        changes.push({ gate: name, rule: rb.text, effect, before: describeThreshold(ra), after: describeThreshold(rb) });
      }
    }
    if (a.onNoChampion !== b.onNoChampion) {
      changes.push({
        gate: name,
        rule: "on_no_champion",
        effect: b.onNoChampion === "fail" ? "tightened" : "loosened",
        before: a.onNoChampion,
        after: b.onNoChampion,
      });
    }
  }
  return changes;
}

function describeThreshold(rule: GateRule): string {
  const value = constant(rule.threshold);
  return value === undefined ? rule.text : `${rule.metric} ${rule.comparison} ${formatNumber(value, rule.unit)}`;
}

function formatNumber(value: number, unit: GateRule["unit"]): string {
  if (unit === "ratio") return `${+(value * 100).toFixed(4)}%`;
  if (unit === "ms") return `${+value.toFixed(3)}ms`;
  return String(+value.toFixed(6));
}

// ---------------------------------------------------------------- schemas

function describeType(type: ValueType): string {
  const base = type.kind === "enum" ? `enum(${type.values.map((v) => JSON.stringify(v)).join(", ")})` : type.kind;
  return `${base}${type.nullable ? "?" : ""}`;
}

const WIDENINGS: Record<string, string[]> = { int: ["float"], enum: ["string"], date: ["timestamp"] };

function diffColumn(source: string, a: ColumnSpec, b: ColumnSpec): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const push = (effect: SchemaChange["effect"], what: string) => changes.push({ source, column: a.name, effect, what });
  if (a.type.kind !== b.type.kind) {
    const widened = WIDENINGS[a.type.kind]?.includes(b.type.kind) ?? false;
    push(
      widened ? "compatible" : "breaking",
      `type ${widened ? "widened" : "narrowed"}: ${describeType(a.type)} → ${describeType(b.type)}`,
    );
  } else if (a.type.kind === "enum" && b.type.kind === "enum" && !same(a.type.values, b.type.values)) {
    const removed = a.type.values.filter((v) => !(b.type as { values: string[] }).values.includes(v));
    const added = b.type.values.filter((v) => !(a.type as { values: string[] }).values.includes(v));
    if (removed.length > 0) push("breaking", `enum values removed: ${removed.join(", ")}`);
    if (added.length > 0) push("compatible", `enum values added: ${added.join(", ")} (one_hot widths change)`);
  }
  if (!a.type.nullable && b.type.nullable) push("breaking", "became nullable: consumers must handle nulls");
  if (a.type.nullable && !b.type.nullable) push("compatible", "no longer nullable");
  if (!a.unique && b.unique) push("breaking", "now unique");
  if (!same(a.range, b.range)) {
    const narrowed = b.range !== undefined && (a.range === undefined || b.range.min > a.range.min || b.range.max < a.range.max);
    push(
      narrowed ? "breaking" : "compatible",
      `range ${narrowed ? "narrowed" : "widened"}: ${a.range ? `${a.range.min}..${a.range.max}` : "none"} → ${b.range ? `${b.range.min}..${b.range.max}` : "none"}`,
    );
  }
  return changes;
}

function diffSchemas(before: Plan, after: Plan): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const name of keysOf(before.sources, after.sources)) {
    const a = before.sources[name];
    const b = after.sources[name];
    if (!a || !b) continue;
    const columnsA = new Map(a.columns.map((c) => [c.name, c]));
    const columnsB = new Map(b.columns.map((c) => [c.name, c]));
    for (const column of [...new Set([...columnsA.keys(), ...columnsB.keys()])].sort()) {
      const ca = columnsA.get(column);
      const cb = columnsB.get(column);
      if (ca && !cb) changes.push({ source: name, column, effect: "breaking", what: "column removed" });
      else if (!ca && cb)
        changes.push({
          source: name,
          column,
          effect: cb.type.nullable ? "compatible" : "breaking",
          // a nullable column a file lacks is read as nulls at ingest: existing data still reads
          what: `column added (${describeType(cb.type)})${cb.type.nullable ? ": data without it reads as nulls" : ": existing data lacks it"}`,
        });
      else if (ca && cb) changes.push(...diffColumn(name, ca, cb));
    }
  }
  return changes;
}

// ---------------------------------------------------------------- features

function diffFeatures(before: Plan, after: Plan): FeatureChange[] {
  const changes: FeatureChange[] = [];
  for (const set of keysOf(before.featureSets, after.featureSets)) {
    const a = new Map((before.featureSets[set]?.features ?? []).map((f) => [f.name, f]));
    const b = new Map((after.featureSets[set]?.features ?? []).map((f) => [f.name, f]));
    for (const feature of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const fa = a.get(feature);
      const fb = b.get(feature);
      if (fa && !fb) changes.push({ featureSet: set, feature, change: "removed" });
      else if (!fa && fb) changes.push({ featureSet: set, feature, change: "added" });
      else if (fa && fb && !same([fa.expr, fa.type], [fb.expr, fb.type])) {
        changes.push({ featureSet: set, feature, change: "changed", before: printPlanExpr(fa.expr), after: printPlanExpr(fb.expr) });
      }
    }
  }
  return changes;
}

// ---------------------------------------------------------------- deployments

function targetFields(target: TargetSpec): Record<string, string> {
  const fields: Record<string, string> = { target: target.kind };
  for (const [key, value] of Object.entries(target)) {
    if (key === "kind") continue;
    fields[key] = typeof value === "object" ? canonicalJson(value) : String(value);
  }
  return fields;
}

function diffDeployments(before: Plan, after: Plan): DeploymentChange[] {
  const changes: DeploymentChange[] = [];
  for (const name of keysOf(before.deployments, after.deployments)) {
    const a = before.deployments[name];
    const b = after.deployments[name];
    if (!a || !b) {
      changes.push({
        deployment: name,
        field: a ? "(removed)" : "(added)",
        ...(a && { before: a.target.kind }),
        ...(b && { after: b.target.kind }),
      });
      continue;
    }
    const fa: Record<string, string> = {
      ...targetFields(a.target),
      model: a.model,
      gate: a.gate ?? "(none)",
      endpoint: canonicalJson(a.endpoint),
      rollout: canonicalJson(a.rollout),
      envVars: canonicalJson(a.envVars),
    };
    const fb: Record<string, string> = {
      ...targetFields(b.target),
      model: b.model,
      gate: b.gate ?? "(none)",
      endpoint: canonicalJson(b.endpoint),
      rollout: canonicalJson(b.rollout),
      envVars: canonicalJson(b.envVars),
    };
    for (const field of keysOf(fa, fb)) {
      if (fa[field] !== fb[field])
        changes.push({
          deployment: name,
          field,
          ...(fa[field] !== undefined && { before: fa[field] }),
          ...(fb[field] !== undefined && { after: fb[field] }),
        });
    }
  }
  return changes;
}

// ---------------------------------------------------------------- steps

function diffSteps(before: Plan, after: Plan): StepChange[] {
  const a = new Map(before.steps.map((s) => [s.id, s.cacheKey]));
  const b = new Map(after.steps.map((s) => [s.id, s.cacheKey]));
  const changes: StepChange[] = [];
  for (const step of after.steps) {
    if (!a.has(step.id)) changes.push({ step: step.id, change: "added" });
    else if (a.get(step.id) !== step.cacheKey) changes.push({ step: step.id, change: "cache key changed" });
  }
  for (const step of before.steps) if (!b.has(step.id)) changes.push({ step: step.id, change: "removed" });
  return changes;
}
