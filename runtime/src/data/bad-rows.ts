/** One row that does not fit the schema. */
export interface BadRow {
  /** 1-based data row (the header is not a data row). */
  row: number;
  /** Physical 1-based line of the file where the record ends (csv, jsonl). */
  line?: number;
  /** The offending column, or null for a row-level problem (wrong field count, invalid JSON). */
  column: string | null;
  /** The raw value (truncated), or null when there is none. */
  value: string | null;
  reason: string;
}

export interface BadRowReport {
  policy: "fail" | "drop";
  maxBadRows: number;
  /** Number of bad rows seen in the whole file. */
  count: number;
  /** Rows left out of the dataset (policy drop). */
  dropped: number;
  /** The first bad rows, in file order. */
  examples: BadRow[];
}

const MAX_VALUE_CHARS = 80;

export function rawValueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === "string" ? value : typeof value === "bigint" ? value.toString() : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

export function formatBadRow(bad: BadRow): string {
  const where = bad.line !== undefined ? `row ${bad.row} (line ${bad.line})` : `row ${bad.row}`;
  const column = bad.column !== null ? `, column ${bad.column}` : "";
  const value = bad.value !== null ? `: ${JSON.stringify(bad.value)}` : "";
  return `${where}${column}${value} — ${bad.reason}`;
}

export function formatBadRowReport(file: string, report: BadRowReport): string {
  const head =
    report.policy === "drop"
      ? `${file}: ${report.count} bad rows, more than max_bad_rows = ${report.maxBadRows}`
      : `${file}: ${report.count} bad ${report.count === 1 ? "row" : "rows"} (bad rows fail the run; set a drop policy to skip them)`;
  const lines = report.examples.map((b) => `  ${formatBadRow(b)}`);
  const more = report.count > report.examples.length ? [`  … and ${report.count - report.examples.length} more`] : [];
  return [head, ...lines, ...more].join("\n");
}
