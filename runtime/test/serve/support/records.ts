/** Rows of a source as a client would send them: JSON values, timestamps and dates as ISO text. */
import type { ColumnSpec } from "@mlops/compiler";
import { MS_PER_DAY, cellValue, getColumn, type Dataset } from "../../../src/data/dataset.js";

export function jsonRecords(dataset: Dataset, columns: readonly ColumnSpec[]): Array<Record<string, unknown>> {
  const picked = columns.map((c) => ({ spec: c, column: getColumn(dataset, c.name) }));
  return Array.from({ length: dataset.rowCount }, (_, i) => {
    const record: Record<string, unknown> = {};
    for (const { spec, column } of picked) {
      const value = cellValue(column, i);
      if (value === null || typeof value !== "number") record[spec.name] = value;
      else if (spec.type.kind === "timestamp") record[spec.name] = new Date(value).toISOString();
      else if (spec.type.kind === "date") record[spec.name] = new Date(value * MS_PER_DAY).toISOString().slice(0, 10);
      else record[spec.name] = value;
    }
    return record;
  });
}
