import type { ValueType } from "../plan.js";

/**
 * A columnar, typed table. Storage by value type:
 * - int, float: `Float64Array`
 * - timestamp: `Float64Array` of epoch milliseconds (UTC)
 * - date: `Float64Array` of epoch days (days since 1970-01-01, UTC)
 * - bool: `Uint8Array` of 0/1
 * - string, enum: dictionary-encoded: `Int32Array` codes into `dictionary`
 *   (for an enum the dictionary is the declared values, in order, so a code is the value's index).
 * `nulls[i] === 1` marks a null (the value slot then holds 0).
 */
export interface Dataset {
  rowCount: number;
  columns: Column[];
  /** 1-based data row in the file each row came from (kept through filtering and splits), for messages. */
  sourceRows?: Uint32Array;
}

export type Column = NumberColumn | BoolColumn | StringColumn;

interface ColumnBase {
  name: string;
  type: ValueType;
  nulls: Uint8Array;
}

export interface NumberColumn extends ColumnBase {
  storage: "number";
  values: Float64Array;
}

export interface BoolColumn extends ColumnBase {
  storage: "bool";
  values: Uint8Array;
}

export interface StringColumn extends ColumnBase {
  storage: "string";
  codes: Int32Array;
  dictionary: string[];
}

export type CellValue = number | string | boolean | null;

export const MS_PER_DAY = 86_400_000;

export function storageOf(type: ValueType): Column["storage"] {
  switch (type.kind) {
    case "int":
    case "float":
    case "timestamp":
    case "date":
      return "number";
    case "bool":
      return "bool";
    case "string":
    case "enum":
      return "string";
  }
}

export function getColumn(dataset: Dataset, name: string): Column {
  const column = dataset.columns.find((c) => c.name === name);
  if (!column) {
    const known = dataset.columns.map((c) => c.name).join(", ");
    throw new Error(`no column "${name}" in the dataset (columns: ${known})`);
  }
  return column;
}

export function hasColumn(dataset: Dataset, name: string): boolean {
  return dataset.columns.some((c) => c.name === name);
}

/** The value at row `i` as a plain JS value (timestamps/dates as numbers, see `Dataset`). */
export function cellValue(column: Column, i: number): CellValue {
  if (column.nulls[i] === 1) return null;
  switch (column.storage) {
    case "number":
      return column.values[i]!;
    case "bool":
      return column.values[i] === 1;
    case "string":
      return column.dictionary[column.codes[i]!]!;
  }
}

/** The 1-based data row of dataset row `i` in its source file. */
export function sourceRowOf(dataset: Dataset, i: number): number {
  return dataset.sourceRows ? dataset.sourceRows[i]! : i + 1;
}

/** A new dataset holding the rows at `indices`, in that order (dictionaries are shared). */
export function takeRows(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const n = indices.length;
  const columns = dataset.columns.map((column): Column => {
    const nulls = new Uint8Array(n);
    for (let k = 0; k < n; k++) nulls[k] = column.nulls[indices[k]!]!;
    switch (column.storage) {
      case "number": {
        const values = new Float64Array(n);
        for (let k = 0; k < n; k++) values[k] = column.values[indices[k]!]!;
        return { ...column, values, nulls };
      }
      case "bool": {
        const values = new Uint8Array(n);
        for (let k = 0; k < n; k++) values[k] = column.values[indices[k]!]!;
        return { ...column, values, nulls };
      }
      case "string": {
        const codes = new Int32Array(n);
        for (let k = 0; k < n; k++) codes[k] = column.codes[indices[k]!]!;
        return { ...column, codes, nulls };
      }
    }
  });
  const sourceRows = new Uint32Array(n);
  for (let k = 0; k < n; k++) sourceRows[k] = sourceRowOf(dataset, indices[k]!);
  return { rowCount: n, columns, sourceRows };
}

/** Rows as plain objects (for small datasets: reports, tests, serving responses). */
export function toRecords(dataset: Dataset): Array<Record<string, CellValue>> {
  const rows: Array<Record<string, CellValue>> = [];
  for (let i = 0; i < dataset.rowCount; i++) {
    const row: Record<string, CellValue> = {};
    for (const column of dataset.columns) row[column.name] = cellValue(column, i);
    rows.push(row);
  }
  return rows;
}
