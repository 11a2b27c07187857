/**
 * A monitor's delayed labels: `labels = { source = S, key = request_id | COLUMN, column = C }`.
 * The labels source holds the true outcomes; `key` says how each finds its prediction (the request
 * id the server answered with, or a business key the scored records carry too); `column` is the
 * outcome (by default the column named as the model's target), typed like the target.
 */
import type { ProgramFile } from "../program/source-files.js";
import type { Identifier } from "../syntax/ast.js";
import type { DeclContext } from "./context.js";
import { columnSymbol, sourceColumns } from "./features.js";
import type { ColumnInfo, ModelInfo, MonitorLabelsInfo } from "./infos.js";
import type { MergedField, MergedValue } from "./merge.js";
import { lookupBlock, suggestion } from "./resolve.js";
import type { Type } from "./types.js";
import { isNumeric, typeToString } from "./types.js";

const LABEL_FIELDS = ["source", "key", "column"];
export const REQUEST_ID = "request_id";

/** Where the scored records come from: the model's source (served traffic) or a batch input. */
export interface ScoredRecords {
  batch: boolean;
  /** The source whose columns the records carry. */
  source?: string;
}

export function checkLabels(
  ctx: DeclContext,
  field: MergedField,
  model: ModelInfo | undefined,
  scored: ScoredRecords,
): MonitorLabelsInfo | undefined {
  const value = field.value;
  const file = value.owner.file;
  if (value.expr.kind !== "Record") {
    if (value.expr.kind !== "Error")
      ctx.report(file, "type-mismatch", value.expr.span, "labels expects `{ source = SOURCE, key = request_id | COLUMN }`");
    return undefined;
  }
  for (const entry of value.fields?.values() ?? []) {
    if (LABEL_FIELDS.includes(entry.name)) continue;
    const { hints, fixes } = suggestion(file, entry.key, LABEL_FIELDS);
    ctx.report(file, "unknown-field", entry.key.span, `labels has no field \`${entry.name}\` (source, key, column)`, hints, fixes);
  }
  const sourceValue = required(ctx, value, "source", "the source holding the outcomes");
  const keyValue = required(ctx, value, "key", "request_id, or a column both the labels and the scored records carry");
  if (sourceValue?.expr.kind !== "Name") {
    if (sourceValue && sourceValue.expr.kind !== "Error")
      ctx.report(file, "type-mismatch", sourceValue.expr.span, "labels.source expects a source name");
    return undefined;
  }
  const source = lookupBlock(ctx, file, sourceValue.expr.name, "source", "the labels");
  if (!source) return undefined;
  ctx.setType(sourceValue.expr, { kind: "decl", declKind: "source", name: source.name });
  const columns = sourceColumns(ctx, source);
  const outcome = checkOutcomeColumn(ctx, value, source.name, columns, model);
  const key = keyValue ? checkKey(ctx, keyValue, source.name, columns, scored) : undefined;
  if (!outcome || !key) return undefined;
  return { source: source.name, key, column: outcome };
}

function required(ctx: DeclContext, value: MergedValue, name: string, doc: string): MergedValue | undefined {
  const entry = value.fields?.get(name)?.value;
  if (!entry) ctx.report(value.owner.file, "missing-field", value.expr.span, `labels is missing the required field \`${name}\` (${doc})`);
  return entry;
}

function checkOutcomeColumn(
  ctx: DeclContext,
  value: MergedValue,
  sourceName: string,
  columns: Map<string, ColumnInfo>,
  model: ModelInfo | undefined,
): string | undefined {
  const written = value.fields?.get("column")?.value;
  const file = written?.owner.file ?? value.owner.file;
  if (written && written.expr.kind !== "Name") {
    if (written.expr.kind !== "Error") ctx.report(file, "type-mismatch", written.expr.span, "labels.column expects a column name");
    return undefined;
  }
  const name = written?.expr.kind === "Name" ? written.expr.name.name : model?.target?.column;
  if (!name) return undefined;
  const column = columns.get(name);
  if (!column) {
    const at = written?.expr.kind === "Name" ? written.expr.name : undefined;
    const message = at
      ? `source \`${sourceName}\` has no column \`${name}\``
      : `labels source \`${sourceName}\` has no column \`${name}\` (the model's target); name the outcome column with \`column = ...\``;
    const { hints, fixes } = at ? suggestion(file, at, columns.keys()) : { hints: [], fixes: [] };
    ctx.report(file, "unknown-reference", at?.span ?? value.expr.span, message, hints, fixes);
    return undefined;
  }
  if (written?.expr.kind === "Name") ctx.reference(file, written.expr.name.span, columnSymbol(sourceName, column));
  const target = model?.target?.type;
  if (target && target.kind !== "unknown" && column.type.kind !== "unknown" && !fitsTarget(column.type, target)) {
    ctx.report(
      file,
      "type-mismatch",
      written?.expr.span ?? value.expr.span,
      `labels column \`${name}\` is ${typeToString(column.type)}, but the model predicts ${typeToString(target)}`,
    );
    return undefined;
  }
  return name;
}

/** An outcome column can be compared with predictions of the target's type (nulls are unlabelled rows). */
function fitsTarget(label: Type, target: Type): boolean {
  if (isNumeric(target)) return isNumeric(label);
  if (target.kind === "bool") return label.kind === "bool";
  if (target.kind === "enum")
    return label.kind === "string" || (label.kind === "enum" && label.values.every((v) => target.values.includes(v)));
  return label.kind === target.kind;
}

function checkKey(
  ctx: DeclContext,
  value: MergedValue,
  sourceName: string,
  columns: Map<string, ColumnInfo>,
  scored: ScoredRecords,
): MonitorLabelsInfo["key"] | undefined {
  const file = value.owner.file;
  if (value.expr.kind !== "Name") {
    if (value.expr.kind !== "Error") ctx.report(file, "type-mismatch", value.expr.span, "labels.key expects `request_id` or a column name");
    return undefined;
  }
  const id = value.expr.name;
  if (id.name === REQUEST_ID) return requestIdKey(ctx, file, id, sourceName, columns, scored);
  const column = columns.get(id.name);
  if (!column) {
    const { hints, fixes } = suggestion(file, id, [...columns.keys(), REQUEST_ID]);
    ctx.report(file, "unknown-reference", id.span, `source \`${sourceName}\` has no column \`${id.name}\` to join on`, hints, fixes);
    return undefined;
  }
  ctx.reference(file, id.span, columnSymbol(sourceName, column));
  if (!scored.source) return { kind: "column", column: id.name };
  const symbol = ctx.checker.table.block(scored.source);
  const other = symbol?.declKind === "source" ? sourceColumns(ctx, symbol).get(id.name) : undefined;
  const where = scored.batch ? `the batch input \`${scored.source}\`` : `the requests (columns of \`${scored.source}\`)`;
  if (!other) {
    ctx.report(file, "unknown-reference", id.span, `${where} carry no column \`${id.name}\` to join the labels on`, [
      scored.batch ? "join on a column the batch input has" : "clients may send any column of the source; or join on `request_id`",
    ]);
    return undefined;
  }
  const [a, b] = [typeToString({ ...column.type, nullable: false } as Type), typeToString({ ...other.type, nullable: false } as Type)];
  if (column.type.kind !== "unknown" && other.type.kind !== "unknown" && a !== b) {
    ctx.report(file, "type-mismatch", id.span, `join key \`${id.name}\` is ${a} in \`${sourceName}\` but ${b} in ${where}`);
    return undefined;
  }
  return { kind: "column", column: id.name };
}

function requestIdKey(
  ctx: DeclContext,
  file: ProgramFile,
  id: Identifier,
  sourceName: string,
  columns: Map<string, ColumnInfo>,
  scored: ScoredRecords,
): MonitorLabelsInfo["key"] | undefined {
  ctx.annotate(
    file,
    id.span,
    "keyword",
    REQUEST_ID,
    "key = request_id",
    "The id `mlops serve` answered each request with (`x-request-id`); the labels source's `request_id` column holds it (and its `instance` column the instance's index, for requests of several instances).",
  );
  if (scored.batch) {
    ctx.report(file, "type-mismatch", id.span, "a batch deployment's rows have no request id: join the labels on a column of its input");
    return undefined;
  }
  const column = columns.get(REQUEST_ID);
  if (!column || (column.type.kind !== "string" && column.type.kind !== "unknown")) {
    ctx.report(
      file,
      "unknown-reference",
      id.span,
      column
        ? `labels source \`${sourceName}\` has \`request_id\` as ${typeToString(column.type)}; request ids are strings`
        : `labels source \`${sourceName}\` has no \`request_id\` column to join on request ids`,
      ["declare `request_id: string` in its schema (and `instance: int` for requests of several instances)"],
    );
    return undefined;
  }
  const instance = columns.get("instance");
  if (instance && instance.type.kind !== "int" && instance.type.kind !== "unknown") {
    ctx.report(
      file,
      "type-mismatch",
      id.span,
      `the \`instance\` column of \`${sourceName}\` is ${typeToString(instance.type)}; it holds the instance's 0-based index: an int`,
    );
    return undefined;
  }
  return { kind: "request_id", instance: instance !== undefined };
}
