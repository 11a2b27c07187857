/** Random rows for property tests: nulls, extremes, unseen strings, times around month and year boundaries. */
import fc from "fast-check";
import type { ColumnSpec, ValueType } from "@mlops/compiler";
import type { CellValue, Dataset } from "../../../src/data/dataset.js";
import { DatasetBuilder } from "../../../src/data/dataset-builder.js";

const MS_PER_DAY = 86_400_000;
const MAX_MS = 8.64e15;

const WORDS = [
  "apple",
  "banana",
  "Apple",
  "BANANA",
  "an",
  "a.b",
  "xa.by",
  "",
  " ",
  "ÄÖü",
  "straße",
  "ΣΑΣ",
  "İstanbul",
  "x😀y",
  "日本",
  "ᾳ",
];
const CHARS = ["a", "b", "n", ".", " ", "A", "é", "ß", "Σ", "İ", "😀", "日", "\n", "-", "1"];

const float = fc.oneof(
  fc.double({ min: -100, max: 100, noNaN: true }),
  fc.integer({ min: -20, max: 20 }),
  fc.constantFrom(0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, 1e-300, -1e-300, 1e300, -1e300, 1.7976931348623157e308),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const int = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.constantFrom(0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 40 + 7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.maxSafeInteger(),
);

/** Milliseconds near the start of a month (the last ms of the month before, midnight, the next hour...). */
const timestamp = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 1600, max: 2400 }),
      fc.integer({ min: 0, max: 11 }),
      fc.constantFrom(-MS_PER_DAY, -3_600_001, -1, 0, 1, 3_599_999, 3_600_000, MS_PER_DAY - 1, 15 * MS_PER_DAY + 12_345),
    )
    .map(([year, month, delta]) => Date.UTC(year, month, 1) + delta),
  fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).map((s) => s * 1000 + 7),
  fc.constantFrom(0, -1, 1, MAX_MS, -MAX_MS, MAX_MS + 1, -MAX_MS - 1, 951_782_400_000, 4_107_542_399_999),
);

const date = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1600, max: 2400 }), fc.integer({ min: 0, max: 11 }), fc.constantFrom(-1, 0, 1, 27, 28))
    .map(([year, month, delta]) => Math.floor(Date.UTC(year, month, 1) / MS_PER_DAY) + delta),
  fc.constantFrom(0, -1, 1e8, -1e8, 1e8 + 1, -1e8 - 1, 11_016, 59),
);

const text = fc.oneof(fc.constantFrom(...WORDS), fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 6 }));

/** `tame`: floats without the extremes (statistics fitted on them overflow). */
function valueOf(type: ValueType, tame: boolean): fc.Arbitrary<CellValue> {
  switch (type.kind) {
    case "float":
      return tame ? fc.double({ min: -100, max: 100, noNaN: true }) : float;
    case "int":
      return int;
    case "timestamp":
      return timestamp;
    case "date":
      return date;
    case "bool":
      return fc.boolean();
    case "string":
      return text;
    case "enum":
      return fc.constantFrom(...type.values);
  }
}

export function rowArbitrary(columns: readonly ColumnSpec[], tame = false): fc.Arbitrary<CellValue[]> {
  return fc.tuple(
    ...columns.map((c) => (c.type.nullable ? fc.option(valueOf(c.type, tame), { nil: null, freq: 4 }) : valueOf(c.type, tame))),
  ) as fc.Arbitrary<CellValue[]>;
}

export function datasetOf(columns: readonly ColumnSpec[], rows: readonly CellValue[][]): Dataset {
  const builder = new DatasetBuilder(columns.map((c) => ({ name: c.name, type: c.type })));
  rows.forEach((row, i) => builder.append(row, i + 1));
  return builder.finish();
}

export function sampleRows(columns: readonly ColumnSpec[], count: number, seed: number): CellValue[][] {
  return fc.sample(rowArbitrary(columns, true), { numRuns: count, seed });
}
