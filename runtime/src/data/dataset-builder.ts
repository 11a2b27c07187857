import type { ValueType } from "../plan.js";
import { storageOf, type CellValue, type Column, type Dataset } from "./dataset.js";

/** Append-only column storage that grows by doubling, then trims to the row count. */
class GrowableColumn {
  private values: Float64Array | Uint8Array | Int32Array;
  private nulls: Uint8Array;
  private readonly dictionary: string[] = [];
  private readonly codeOf = new Map<string, number>();
  private readonly storage: Column["storage"];

  constructor(
    private readonly name: string,
    private readonly type: ValueType,
    capacity: number,
  ) {
    this.storage = storageOf(type);
    this.values = this.allocate(capacity);
    this.nulls = new Uint8Array(capacity);
    if (type.kind === "enum") {
      type.values.forEach((v, i) => {
        this.dictionary.push(v);
        this.codeOf.set(v, i);
      });
    }
  }

  private allocate(n: number): Float64Array | Uint8Array | Int32Array {
    switch (this.storage) {
      case "number":
        return new Float64Array(n);
      case "bool":
        return new Uint8Array(n);
      case "string":
        return new Int32Array(n);
    }
  }

  set(row: number, value: CellValue): void {
    if (row >= this.nulls.length) this.grow(Math.max(16, this.nulls.length * 2));
    if (value === null) {
      this.nulls[row] = 1;
      return;
    }
    if (this.storage === "string") {
      const text = value as string;
      let code = this.codeOf.get(text);
      if (code === undefined) {
        code = this.dictionary.length;
        this.dictionary.push(text);
        this.codeOf.set(text, code);
      }
      this.values[row] = code;
    } else if (this.storage === "bool") {
      this.values[row] = value === true ? 1 : 0;
    } else {
      this.values[row] = value as number;
    }
  }

  private grow(capacity: number): void {
    const values = this.allocate(capacity);
    values.set(this.values as never);
    this.values = values;
    const nulls = new Uint8Array(capacity);
    nulls.set(this.nulls);
    this.nulls = nulls;
  }

  /** The code of a string already stored, or undefined. */
  codeFor(text: string): number | undefined {
    return this.codeOf.get(text);
  }

  finish(rowCount: number): Column {
    const nulls = trim(this.nulls, rowCount);
    const base = { name: this.name, type: this.type, nulls };
    const values = this.values;
    this.values = this.allocate(0);
    this.nulls = new Uint8Array(0);
    this.codeOf.clear();
    switch (this.storage) {
      case "number":
        return { ...base, storage: "number", values: trim(values as Float64Array, rowCount) };
      case "bool":
        return { ...base, storage: "bool", values: trim(values as Uint8Array, rowCount) };
      case "string":
        return { ...base, storage: "string", codes: trim(values as Int32Array, rowCount), dictionary: this.dictionary };
    }
  }
}

/** A view when little capacity is unused (no copy, no peak), a compact copy otherwise. */
function trim<T extends Float64Array | Uint8Array | Int32Array | Uint32Array>(array: T, length: number): T {
  return (array.length - length <= array.length / 8 ? array.subarray(0, length) : array.slice(0, length)) as T;
}

export interface BuilderColumn {
  name: string;
  type: ValueType;
}

/** Builds a `Dataset` row by row from already-coerced values. */
export class DatasetBuilder {
  private readonly columns: GrowableColumn[];
  private sourceRowStore = new Uint32Array(1024);
  private count = 0;

  constructor(columns: BuilderColumn[], capacity = 1024) {
    this.columns = columns.map((c) => new GrowableColumn(c.name, c.type, capacity));
  }

  get rowCount(): number {
    return this.count;
  }

  /** `values[k]` is the value of the k-th column given to the constructor. */
  append(values: readonly CellValue[], sourceRow: number): void {
    const row = this.count;
    for (let k = 0; k < this.columns.length; k++) this.columns[k]!.set(row, values[k] ?? null);
    if (row >= this.sourceRowStore.length) {
      const grown = new Uint32Array(this.sourceRowStore.length * 2);
      grown.set(this.sourceRowStore);
      this.sourceRowStore = grown;
    }
    this.sourceRowStore[row] = sourceRow;
    this.count++;
  }

  /** The code of `text` in column `k` when some appended row holds it (string and enum columns). */
  codeFor(k: number, text: string): number | undefined {
    return this.columns[k]!.codeFor(text);
  }

  finish(): Dataset {
    return {
      rowCount: this.count,
      columns: this.columns.map((c) => c.finish(this.count)),
      sourceRows: trim(this.sourceRowStore, this.count),
    };
  }
}
