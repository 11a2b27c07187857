/**
 * Which records fall in a monitor's `window`: served traffic by the request log's times; a batch
 * deployment's input by a timestamp column (`timestamp = COLUMN`, or the input's only one).
 */
import type { DeclContext } from "./context.js";
import { columnSymbol, sourceColumns } from "./features.js";
import type { ColumnInfo } from "./infos.js";
import type { MergedDecl } from "./merge.js";
import { suggestion } from "./resolve.js";
import { isTemporal, typeToString } from "./types.js";

/** The batch input's column the window filters on (undefined: served traffic, or no such column). */
export function checkTimestampColumn(ctx: DeclContext, merged: MergedDecl, batchInput: string | undefined): string | undefined {
  const field = merged.fields.get("timestamp");
  const file = field?.value.owner.file;
  if (field && !batchInput) {
    ctx.report(
      file!,
      "type-mismatch",
      field.key.span,
      "`timestamp` names a batch input's column; served traffic is windowed by the request log's times",
    );
    return undefined;
  }
  if (!batchInput) return undefined;
  const symbol = ctx.checker.table.block(batchInput);
  if (symbol?.declKind !== "source") return undefined;
  const columns = sourceColumns(ctx, symbol);
  if (field) return namedColumn(ctx, field, batchInput, columns);
  const temporal = [...columns.values()].filter((c) => isTemporal(c.type));
  if (temporal.length === 1) return temporal[0]!.name;
  if (temporal.length === 0) {
    const window = merged.fields.get("window");
    ctx.report(
      window?.value.owner.file ?? merged.symbol.file,
      "ignored-setting",
      window?.key.span ?? merged.symbol.node.name.span,
      `batch input \`${batchInput}\` has no timestamp column, so \`window\` cannot pick recent rows: every row of the input is compared with the reference`,
      [`add a \`timestamp\` or \`date\` column to \`${batchInput}\`'s schema (and \`timestamp = COLUMN\` if it has several)`],
    );
    return undefined;
  }
  if (temporal.length > 1)
    ctx.report(
      merged.symbol.file,
      "missing-field",
      merged.symbol.node.name.span,
      `batch input \`${batchInput}\` has several timestamp columns (${temporal.map((c) => `\`${c.name}\``).join(", ")}): say which one the window filters on`,
      [`add \`timestamp = ${temporal[0]!.name}\``],
    );
  return undefined;
}

function namedColumn(
  ctx: DeclContext,
  field: NonNullable<ReturnType<MergedDecl["fields"]["get"]>>,
  input: string,
  columns: Map<string, ColumnInfo>,
): string | undefined {
  const expr = field.value.expr;
  const file = field.value.owner.file;
  if (expr.kind !== "Name") {
    if (expr.kind !== "Error") ctx.report(file, "type-mismatch", expr.span, "timestamp expects a column of the batch input");
    return undefined;
  }
  const column = columns.get(expr.name.name);
  if (!column) {
    const { hints, fixes } = suggestion(
      file,
      expr.name,
      [...columns.values()].filter((c) => isTemporal(c.type)).map((c) => c.name),
    );
    ctx.report(file, "unknown-reference", expr.span, `batch input \`${input}\` has no column \`${expr.name.name}\``, hints, fixes);
    return undefined;
  }
  ctx.reference(file, expr.name.span, columnSymbol(input, column));
  if (!isTemporal(column.type) && column.type.kind !== "unknown") {
    ctx.report(
      file,
      "type-mismatch",
      expr.span,
      `\`${column.name}\` is ${typeToString(column.type)}; the window needs a timestamp or date column`,
    );
    return undefined;
  }
  return column.name;
}
