/** What checking a declaration learns about it, per kind: read by other checks, the semantic model and the editor. */
import type { ColumnDeclaration, Expr, FieldMember, Identifier } from "../syntax/ast.js";
import type { InputSlot, Task } from "../plan/types.js";
import type { ProgramFile } from "../program/source-files.js";
import type { Type } from "./types.js";

export interface ColumnInfo {
  name: string;
  type: Type;
  unique: boolean;
  range?: { min: number; max: number };
  node: ColumnDeclaration;
  file: ProgramFile;
  doc?: string;
}

export interface SourceInfo {
  kind: "source";
  columns: Map<string, ColumnInfo>;
}

export interface FeatureInfo {
  name: string;
  type: Type;
  expr: Expr;
  member: FieldMember;
  file: ProgramFile;
  /** True when the expression contains a stateful call. */
  stateful: boolean;
  /** Source columns read, directly or through other features (sorted). */
  columns: string[];
  /** Features of the same set it reads directly. */
  features: string[];
  doc?: string;
}

export interface FeatureSetInfo {
  kind: "features";
  source?: string;
  features: Map<string, FeatureInfo>;
  /** Dependency order: each feature after the features it reads (cycle members left out). */
  order: string[];
}

/** One entry of a model's input: a feature of a set, or a source column used directly. */
export interface ModelInput {
  name: string;
  /** The feature set the feature comes from; undefined for a source column. */
  featureSet?: string;
  type: Type;
  node: Expr | Identifier;
  /** The feature's definition, for an input that is a feature of a set. */
  feature?: FeatureInfo;
}

export interface ModelInfo {
  kind: "model";
  name: string;
  task?: Task;
  source?: string;
  /** The named feature set, when `features = SET`. */
  featureSet?: string;
  inputs: ModelInput[];
  layout: InputSlot[];
  inputWidth: number | null;
  target?: { source: string; column: string; type: Type; classes?: string[] };
}

export interface GateInfo {
  kind: "gate";
  model?: string;
}

export interface DeployInfo {
  kind: "deploy";
  model?: string;
  gate?: string;
  target?: string;
}

export interface MonitorInfo {
  kind: "monitor";
  deployment?: string;
  model?: string;
  labels?: MonitorLabelsInfo;
  /** A batch deployment's input column the window filters on. */
  timestampColumn?: string;
}

export interface MonitorLabelsInfo {
  source: string;
  key: { kind: "request_id"; instance: boolean } | { kind: "column"; column: string };
  column: string;
}

export interface NotifierInfo {
  kind: "notifier";
  format: string;
}

export interface ParamInfo {
  kind: "param";
  type: Type;
  /** The declared type as written (`int`, `list<string>`). */
  typeText: string;
  value?: Expr;
}

export interface EnvInfo {
  kind: "env";
  /** Overridden params and their value expressions. */
  overrides: Map<string, { expr: Expr; key: Identifier }>;
}

export type DeclInfo =
  | SourceInfo
  | FeatureSetInfo
  | ModelInfo
  | GateInfo
  | DeployInfo
  | MonitorInfo
  | NotifierInfo
  | ParamInfo
  | EnvInfo
  | { kind: "none" };
