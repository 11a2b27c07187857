/**
 * The checker's types. Column and feature types use the plan's vocabulary
 * (`ValueType`, `FeatureType`) so the plan emitter can copy them across.
 */
import type { FeatureType, ScalarKind, ValueType } from "../plan/types.js";
import type { QuantityKind } from "./units.js";

export type DeclKind = "pipeline" | "source" | "features" | "model" | "gate" | "deploy" | "monitor" | "notifier" | "env";

export type Type =
  | ValueType
  | { kind: "vector"; size: number | null; nullable: false; labels?: string[] }
  | { kind: "quantity"; unit: QuantityKind }
  | { kind: "list"; element: Type }
  | { kind: "record" }
  | { kind: "secret" }
  | { kind: "schedule" }
  | { kind: "decl"; declKind: DeclKind; name: string }
  | { kind: "word"; value: string }
  /** An error was already reported (or nothing is known): accepted everywhere, so one mistake gives one diagnostic. */
  | { kind: "unknown" };

export const UNKNOWN: Type = { kind: "unknown" };
export const BOOL: Type = { kind: "bool", nullable: false };
export const INT: Type = { kind: "int", nullable: false };
export const FLOAT: Type = { kind: "float", nullable: false };
export const STRING: Type = { kind: "string", nullable: false };

export function scalar(kind: ScalarKind, nullable = false): Type {
  return { kind, nullable };
}

export function quantity(unit: QuantityKind): Type {
  return { kind: "quantity", unit };
}

export function isUnknown(t: Type): boolean {
  return t.kind === "unknown";
}

export function isNullable(t: Type): boolean {
  return "nullable" in t && t.nullable === true;
}

export function nonNull(t: Type): Type {
  return "nullable" in t && t.nullable ? ({ ...t, nullable: false } as Type) : t;
}

export function withNullable(t: Type, nullable: boolean): Type {
  if (!("nullable" in t) || t.kind === "vector") return t;
  return { ...t, nullable } as Type;
}

/** int, float (and ratios, which are floats in feature expressions). */
export function isNumeric(t: Type): boolean {
  return t.kind === "int" || t.kind === "float" || (t.kind === "quantity" && t.unit === "ratio");
}

/** Categorical: enum, string or bool (nullable allowed: null is its own category). */
export function isCategorical(t: Type): boolean {
  return t.kind === "enum" || t.kind === "string" || t.kind === "bool";
}

export function isTemporal(t: Type): boolean {
  return t.kind === "timestamp" || t.kind === "date";
}

export function typeToString(t: Type): string {
  switch (t.kind) {
    case "enum":
      return `enum(${t.values.map((v) => JSON.stringify(v)).join(", ")})${t.nullable ? "?" : ""}`;
    case "vector":
      return `vector<float, ${t.size ?? "?"}>`;
    case "quantity":
      return t.unit;
    case "list":
      return `list<${typeToString(t.element)}>`;
    case "record":
      return "record";
    case "secret":
      return "secret";
    case "schedule":
      return "schedule";
    case "decl":
      return `${DECL_KIND_NAMES[t.declKind]} \`${t.name}\``;
    case "word":
      return t.value;
    case "unknown":
      return "unknown";
    default:
      return `${t.kind}${t.nullable ? "?" : ""}`;
  }
}

export const DECL_KIND_NAMES: Record<DeclKind, string> = {
  pipeline: "pipeline",
  source: "source",
  features: "feature set",
  model: "model",
  gate: "gate",
  deploy: "deployment",
  monitor: "monitor",
  notifier: "notifier",
  env: "env",
};

/** The plan's `ValueType` of a column or scalar feature type, when it is one. */
export function toValueType(t: Type): ValueType | undefined {
  switch (t.kind) {
    case "int":
    case "float":
    case "bool":
    case "string":
    case "timestamp":
    case "date":
      return { kind: t.kind, nullable: t.nullable };
    case "enum":
      return { kind: "enum", values: [...t.values], nullable: t.nullable };
    case "quantity":
      return t.unit === "ratio" ? { kind: "float", nullable: false } : undefined;
    default:
      return undefined;
  }
}

export function toFeatureType(t: Type): FeatureType | undefined {
  if (t.kind === "vector")
    return t.labels
      ? { kind: "vector", size: t.size, nullable: false, labels: [...t.labels] }
      : { kind: "vector", size: t.size, nullable: false };
  return toValueType(t);
}

export function fromValueType(t: ValueType): Type {
  return t.kind === "enum" ? { kind: "enum", values: [...t.values], nullable: t.nullable } : { kind: t.kind, nullable: t.nullable };
}
