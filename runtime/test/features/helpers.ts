import type { FeatureSetSpec, FeatureSpec, FeatureType, InputSlot, PlanExpr } from "@mlops/compiler";

export { bin, call, col, feat, list, lit, stateful, un } from "../support/plan-expr.js";

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
