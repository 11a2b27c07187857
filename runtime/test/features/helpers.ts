import type { FeatureSetSpec, FeatureSpec, FeatureType, InputSlot, PlanExpr } from "@mlops/compiler";

export const col = (name: string): PlanExpr => ({ op: "ref", scope: "column", name });
export const feat = (name: string): PlanExpr => ({ op: "ref", scope: "feature", name });
export const lit = (value: number | string | boolean | null): PlanExpr => ({ op: "lit", value });
export const call = (fn: string, ...args: PlanExpr[]): PlanExpr => ({ op: "call", fn, args });
export const stateful = (state: string, fn: string, ...args: PlanExpr[]): PlanExpr => ({ op: "call", fn, args, state });
export const bin = (operator: Extract<PlanExpr, { op: "binary" }>["operator"], left: PlanExpr, right: PlanExpr): PlanExpr => ({
  op: "binary",
  operator,
  left,
  right,
});

export const FLOAT: FeatureType = { kind: "float", nullable: false };
export const BOOL: FeatureType = { kind: "bool", nullable: false };
export const vector = (size: number | null): FeatureType => ({ kind: "vector", size, nullable: false });

export function feature(name: string, expr: PlanExpr, type: FeatureType = FLOAT, columns: string[] = []): FeatureSpec {
  const stateful = JSON.stringify(expr).includes('"state"');
  return { name, type, expr, stateful, columns };
}

export function featureSet(features: FeatureSpec[], source = "transactions"): FeatureSetSpec {
  return { name: "tx", source, features, synthesized: false };
}

export function slots(...names: string[]): InputSlot[] {
  return names.map((feature) => ({ feature, offset: null, width: null }));
}
