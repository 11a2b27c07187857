import type { ColumnSpec, SourceSpec } from "../plan.js";
import { formatBadRowReport, rawValueText, type BadRow, type BadRowReport } from "./bad-rows.js";
import { coerceText, coerceValue, type Coerced } from "./coerce.js";
import type { CellValue, Dataset } from "./dataset.js";
import { DatasetBuilder } from "./dataset-builder.js";
import { DataError } from "./errors.js";

export interface RowSinkOptions {
  /** How many bad rows to keep as examples (default 20). */
  maxExamples?: number;
  /** Override the source's bad-row policy. */
  badRows?: SourceSpec["badRows"];
}

export interface SinkResult {
  dataset: Dataset;
  badRows: BadRowReport;
}

/**
 * Receives raw rows from a reader (values in the source's column order), types and checks
 * them against the schema (coercion, nullability, enum, range, unique), and builds the dataset.
 */
export class RowSink {
  private readonly builder: DatasetBuilder;
  private readonly columns: readonly ColumnSpec[];
  private readonly seen: Array<Map<CellValue, number> | null>;
  private readonly firstRowByCode: Array<Uint32Array | undefined> = [];
  private readonly examples: BadRow[] = [];
  private readonly maxExamples: number;
  private readonly policy: SourceSpec["badRows"];
  private badCount = 0;
  private readonly row: CellValue[];

  constructor(
    source: Pick<SourceSpec, "columns" | "badRows">,
    readonly file: string,
    options: RowSinkOptions = {},
  ) {
    this.columns = source.columns;
    this.builder = new DatasetBuilder(source.columns.map((c) => ({ name: c.name, type: c.type })));
    this.seen = source.columns.map((c) =>
      c.unique && c.type.kind !== "string" && c.type.kind !== "enum" ? new Map<CellValue, number>() : null,
    );
    this.maxExamples = options.maxExamples ?? 20;
    this.policy = options.badRows ?? source.badRows ?? { policy: "fail", maxBadRows: 0 };
    this.row = new Array<CellValue>(source.columns.length).fill(null);
  }

  get rowsAccepted(): number {
    return this.builder.rowCount;
  }

  /** Text fields (CSV), in the source's column order. */
  addText(fields: readonly string[], row: number, line?: number): void {
    this.add(fields, row, line, (raw, column) => coerceText(raw as string, column.type));
  }

  /** JSON or parquet values, in the source's column order (`undefined` = missing = null). */
  addValues(values: readonly unknown[], row: number, line?: number): void {
    this.add(values, row, line, (raw, column) => coerceValue(raw, column.type));
  }

  /** A row that could not even be split into values (wrong field count, invalid JSON). */
  addBad(row: number, line: number | undefined, reason: string, value: string | null = null): void {
    this.recordBad({ row, line, column: null, value, reason });
  }

  private add(
    raws: readonly unknown[],
    row: number,
    line: number | undefined,
    coerce: (raw: unknown, column: ColumnSpec) => Coerced,
  ): void {
    for (let k = 0; k < this.columns.length; k++) {
      const column = this.columns[k]!;
      const result = coerce(raws[k], column);
      const problem = result.ok ? this.check(column, k, result.value) : result.reason;
      if (problem !== null) {
        this.recordBad({ row, line, column: column.name, value: rawValueText(raws[k]), reason: problem });
        return;
      }
      this.row[k] = (result as { value: CellValue }).value;
    }
    this.builder.append(this.row, row);
    for (let k = 0; k < this.columns.length; k++) if (this.columns[k]!.unique) this.markSeen(k, this.row[k]!, row);
  }

  /** Unique strings are checked through the dataset's dictionary (one code per value), other values through a map. */
  private firstRowOf(k: number, value: CellValue): number | undefined {
    if (typeof value === "string") {
      const code = this.builder.codeFor(k, value);
      const first = code === undefined ? 0 : (this.firstRowByCode[k]?.[code] ?? 0);
      return first === 0 ? undefined : first;
    }
    return this.seen[k]?.get(value);
  }

  private markSeen(k: number, value: CellValue, row: number): void {
    if (value === null) return;
    if (typeof value === "string") {
      const code = this.builder.codeFor(k, value)!;
      let rows = this.firstRowByCode[k] ?? new Uint32Array(1024);
      if (code >= rows.length) {
        const grown = new Uint32Array(Math.max(code + 1, rows.length * 2));
        grown.set(rows);
        rows = grown;
      }
      if (rows[code] === 0) rows[code] = row;
      this.firstRowByCode[k] = rows;
    } else {
      this.seen[k]!.set(value, row);
    }
  }

  private check(column: ColumnSpec, k: number, value: CellValue): string | null {
    if (value === null) return column.type.nullable ? null : "null in a non-nullable column";
    if (column.range && typeof value === "number" && (value < column.range.min || value > column.range.max)) {
      return `out of range [${column.range.min}, ${column.range.max}]`;
    }
    if (!column.unique) return null;
    const first = this.firstRowOf(k, value);
    return first === undefined ? null : `duplicate value in unique column (first at row ${first})`;
  }

  private recordBad(bad: BadRow): void {
    if (bad.line === undefined) delete bad.line;
    this.badCount++;
    if (this.examples.length < this.maxExamples) this.examples.push(bad);
  }

  /** The dataset, or a `DataError` when the bad rows break the policy. */
  finish(): SinkResult {
    const report: BadRowReport = {
      policy: this.policy.policy,
      maxBadRows: this.policy.maxBadRows,
      count: this.badCount,
      dropped: 0,
      examples: this.examples,
    };
    const tooMany = this.policy.policy === "fail" ? this.badCount > 0 : this.badCount > this.policy.maxBadRows;
    if (tooMany) throw new DataError("bad-rows", formatBadRowReport(this.file, report), this.file, report);
    report.dropped = this.badCount;
    return { dataset: this.builder.finish(), badRows: report };
  }
}
