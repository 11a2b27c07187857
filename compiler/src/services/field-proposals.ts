/**
 * Values to propose for a field a declaration lacks, best first, from what the
 * program knows: declarations of the expected kind, a non-null column that fits
 * the model's task as its target, the words of a vocabulary (the task that fits
 * the source's columns first), numbers inside the field's bounds. Proposals are
 * not guaranteed to type-check: `missing-fields.ts` checks them.
 */
import type { ColumnInfo, FeatureSetInfo, ModelInfo, SourceInfo } from "../checker/infos.js";
import { TARGET_FITS } from "../checker/models.js";
import type { FieldSpec, Slot } from "../checker/schema.js";
import type { BlockSymbol } from "../checker/symbols.js";
import { isNullable, isNumeric } from "../checker/types.js";
import type { DeclKind } from "../checker/types.js";
import { stringPlaceholder } from "../checker/values.js";
import type { Task } from "../plan/types.js";
import type { Program } from "../program/program.js";

/** At most this many proposals per field. */
const MAX_PROPOSALS = 12;

/** Names people give the column a model predicts. */
const TARGET_NAME = /^(label|target|y|class|outcome)$|^is_|_label$/;

export function proposals(program: Program, symbol: BlockSymbol, spec: FieldSpec): string[] {
  const model = symbol.declKind === "model" ? modelInfo(program, symbol) : undefined;
  if (model && spec.name === "task") return tasksByFit(program, model);
  if (model && spec.slot.kind === "target-column") return targetColumns(program, model).slice(0, MAX_PROPOSALS);
  return slotProposals(program, spec.slot, spec.name, 2).slice(0, MAX_PROPOSALS);
}

function slotProposals(program: Program, slot: Slot, name: string, depth: number): string[] {
  switch (slot.kind) {
    case "string":
      return [stringPlaceholder(slot)].filter((v) => v !== "");
    case "int":
      return inBounds([slot.min ?? 0, name === "port" ? 8080 : 1, 1], slot.min, slot.max).map(String);
    case "number":
      return inBounds([slot.min ?? 0, 1, 0.5], slot.min, slot.max, slot.minExclusive).map(String);
    case "bool":
      return ["false", "true"];
    case "quantity":
      return QUANTITY_PROPOSALS[slot.unit];
    case "word":
      return Object.keys(slot.values);
    case "ref":
      return declarationNames(program, slot.declKind);
    case "list": {
      const element = depth > 0 ? slotProposals(program, slot.element, name, depth - 1)[0] : undefined;
      return [...(slot.minLength ? [] : ["[]"]), ...(element !== undefined ? [`[${element}]`] : [])];
    }
    case "record":
      return [`{${requiredFields(program, slot.fields, depth)}}`];
    case "constructor":
      return Object.entries(slot.variants).map(([variant, spec]) => `${variant} {${requiredFields(program, spec.fields, depth)}}`);
    case "schedule":
      return ["every(1d)", 'cron("0 2 * * *")'];
    case "model-features":
      return [...declarationNames(program, "features"), ...numericColumns(program).map((c) => `[${c}]`)];
    case "target-column":
      return [];
    case "reference":
      return ["training", ...declarationNames(program, "source")];
    case "labels":
      return declarationNames(program, "source").map((source) => `{ source = ${source}, key = request_id }`);
    case "input-column":
      return [];
  }
}

const QUANTITY_PROPOSALS: Record<"duration" | "cpu" | "memory" | "ratio", string[]> = {
  duration: ["1h", "1d", "30s"],
  cpu: ["500m", "1"],
  memory: ["512Mi", "1Gi"],
  ratio: ["50%", "10%", "90%"],
};

/** ` a = 1, b = x ` for the required fields (each with its first proposal), or a single space. */
function requiredFields(program: Program, fields: readonly FieldSpec[], depth: number): string {
  if (depth <= 0) return " ";
  const parts = fields.filter((f) => f.required).map((f) => `${f.name} = ${slotProposals(program, f.slot, f.name, depth - 1)[0] ?? '""'}`);
  return parts.length ? ` ${parts.join(", ")} ` : " ";
}

function inBounds(values: number[], min: number | undefined, max: number | undefined, minExclusive = false): number[] {
  const ok = values.filter((v) => (min === undefined || (minExclusive ? v > min : v >= min)) && (max === undefined || v <= max));
  return [...new Set(ok)];
}

function declarationNames(program: Program, kind: DeclKind): string[] {
  return program
    .symbols()
    .blocksOf(kind)
    .map((s) => s.name);
}

function infoOf<K extends "model" | "source" | "features">(
  program: Program,
  name: string | undefined,
  kind: K,
): Extract<ModelInfo | SourceInfo | FeatureSetInfo, { kind: K }> | undefined {
  const symbol = name ? program.symbols().block(name) : undefined;
  const info = symbol ? program.result(symbol).info : undefined;
  return info?.kind === kind ? (info as Extract<ModelInfo | SourceInfo | FeatureSetInfo, { kind: K }>) : undefined;
}

function modelInfo(program: Program, symbol: BlockSymbol): ModelInfo | undefined {
  const info = program.result(symbol).info;
  return info.kind === "model" ? info : undefined;
}

/** `S.col` for the non-null numeric columns of every source (features written as a list). */
function numericColumns(program: Program): string[] {
  return declarationNames(program, "source").flatMap((source) =>
    [...(infoOf(program, source, "source")?.columns.values() ?? [])]
      .filter((c) => isNumeric(c.type) && !isNullable(c.type))
      .map((c) => `${source}.${c.name}`),
  );
}

/**
 * `S.col` candidates for a model's target: columns of the source its features read (else of every
 * source), never nullable, never one the model reads as input; those that fit its task first, then
 * those named like a label.
 */
function targetColumns(program: Program, model: ModelInfo): string[] {
  const sources = model.source ? [model.source] : declarationNames(program, "source");
  const read = inputColumns(program, model);
  const candidates: Array<{ text: string; column: ColumnInfo }> = [];
  for (const source of sources) {
    for (const column of infoOf(program, source, "source")?.columns.values() ?? []) {
      if (isNullable(column.type) || (source === model.source && read.has(column.name))) continue;
      candidates.push({ text: `${source}.${column.name}`, column });
    }
  }
  const fits = model.task ? TARGET_FITS[model.task] : (t: ColumnInfo["type"]) => Object.values(TARGET_FITS).some((f) => f(t));
  const rank = (c: ColumnInfo): number => (fits(c.type) ? 0 : 2) + (TARGET_NAME.test(c.name) ? 0 : 1);
  return candidates
    .map((c, order) => ({ ...c, order }))
    .sort((a, b) => rank(a.column) - rank(b.column) || a.order - b.order)
    .map((c) => c.text);
}

/** The source columns the model's inputs read, directly or through features. */
function inputColumns(program: Program, model: ModelInfo): Set<string> {
  const out = new Set<string>();
  for (const input of model.inputs) {
    if (!input.featureSet) out.add(input.name);
    else for (const c of infoOf(program, input.featureSet, "features")?.features.get(input.name)?.columns ?? []) out.add(c);
  }
  return out;
}

/** The tasks, those the model's target (or its best candidate column) fits first. */
function tasksByFit(program: Program, model: ModelInfo): string[] {
  const tasks = Object.keys(TARGET_FITS) as Task[];
  const [source, column] = targetColumns(program, model)[0]?.split(".") ?? [];
  const targetType = model.target?.type ?? infoOf(program, source, "source")?.columns.get(column ?? "")?.type;
  if (!targetType) return tasks;
  return [...tasks.filter((t) => TARGET_FITS[t](targetType)), ...tasks.filter((t) => !TARGET_FITS[t](targetType))];
}
