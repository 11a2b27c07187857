import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { getColumn, toRecords, type Dataset } from "../../src/data/dataset.js";
import { DataError } from "../../src/data/errors.js";
import { hashFile } from "../../src/files/file-hash.js";
import { readSource } from "../../src/data/read-source.js";
import { transactionsSource } from "../fixtures/sources.js";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));

async function read(format: "csv" | "jsonl" | "parquet", file: string, badRows?: { policy: "fail" | "drop"; maxBadRows: number }) {
  return readSource(transactionsSource(format, file, badRows), fixtures);
}

async function failure(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error("expected a DataError");
}

function column(dataset: Dataset, name: string) {
  return toRecords(dataset).map((r) => r[name]);
}

describe("csv reader", () => {
  it("types every column by the schema", async () => {
    const { dataset, badRows } = await read("csv", "transactions.csv");
    expect(badRows.count).toBe(0);
    expect(dataset.rowCount).toBe(6);
    expect(column(dataset, "amount")).toEqual([12.5, 250, 0.99, 75, 1000, 33.3]);
    expect(column(dataset, "is_fraud")).toEqual([false, true, false, false, true, false]);
    expect(column(dataset, "country")).toEqual(["US", null, "FR", "DE", 'Saint "Kitts"', "US"]);
    expect(column(dataset, "created_at")).toEqual([
      Date.parse("2024-05-01T08:15:00Z"),
      Date.parse("2024-05-01T23:59:59Z"),
      Date.parse("2024-05-02T00:00:00Z"),
      Date.parse("2024-05-02T00:00:00Z"),
      Date.parse("2024-05-03T17:00:00.500Z"),
      Date.parse("2024-05-04T11:00:00Z"),
    ]);
    expect(column(dataset, "opened")[0]).toBe(Date.UTC(2020, 0, 15) / 86_400_000);
    const category = getColumn(dataset, "category");
    expect(category.storage === "string" && category.dictionary).toEqual(["grocery", "travel", "online", "fuel"]);
  });

  it("reports every kind of bad row with its row, line, column, value and reason", async () => {
    const error = await failure(read("csv", "transactions-bad.csv"));
    expect(error.code).toBe("bad-rows");
    const examples = error.badRows!.examples;
    expect(examples).toEqual([
      { row: 2, line: 3, column: "amount", value: "abc", reason: "not a number" },
      { row: 3, line: 4, column: "category", value: "boats", reason: 'not one of "grocery", "travel", "online", "fuel"' },
      { row: 4, line: 5, column: null, value: "t4,75,fuel,14,DE,2024-05-02,no", reason: "expected 8 fields, got 7" },
      { row: 5, line: 6, column: "hour", value: "25", reason: "out of range [0, 23]" },
      { row: 6, line: 7, column: "tx_id", value: "t1", reason: "duplicate value in unique column (first at row 1)" },
      { row: 7, line: 8, column: "amount", value: "", reason: "null in a non-nullable column" },
      { row: 8, line: 10, column: "amount", value: "multi\nline", reason: "not a number" },
      { row: 9, line: 11, column: "is_fraud", value: "maybe", reason: "not a bool (true/false/1/0/yes/no)" },
    ]);
    expect(error.badRows!.count).toBe(8);
    expect(error.message).toContain("transactions-bad.csv: 8 bad rows");
    expect(error.message).toContain('row 2 (line 3), column amount: "abc" — not a number');
  });

  it("drops bad rows up to max_bad_rows and fails beyond", async () => {
    const { dataset, badRows } = await read("csv", "transactions-bad.csv", { policy: "drop", maxBadRows: 8 });
    expect(column(dataset, "tx_id")).toEqual(["t1", "t10"]);
    expect(dataset.sourceRows).toEqual(new Uint32Array([1, 10]));
    expect(badRows.dropped).toBe(8);
    const error = await failure(read("csv", "transactions-bad.csv", { policy: "drop", maxBadRows: 7 }));
    expect(error.message).toContain("8 bad rows, more than max_bad_rows = 7");
  });

  it("keeps only the first N examples but counts them all", async () => {
    const source = transactionsSource("csv", "transactions-bad.csv");
    const error = await failure(readSource(source, fixtures, { maxExamples: 2 }));
    expect(error.badRows!.examples).toHaveLength(2);
    expect(error.badRows!.count).toBe(8);
    expect(error.message).toContain("… and 6 more");
  });

  it("names the file and the columns when the header does not match", async () => {
    const source = transactionsSource("csv", "transactions.csv");
    const missing = {
      ...source,
      columns: [...source.columns, { name: "merchant", type: { kind: "string" as const, nullable: false }, unique: false }],
    };
    const e1 = await failure(readSource(missing, fixtures));
    expect(e1.code).toBe("missing-column");
    expect(e1.message).toMatch(/^transactions\.csv: missing column "merchant" declared in the schema/);
    const unknown = { ...source, columns: source.columns.filter((c) => c.name !== "country") };
    const e2 = await failure(readSource(unknown, fixtures));
    expect(e2.code).toBe("unknown-column");
    expect(e2.message).toContain('transactions.csv: column "country" not declared in the schema');
  });

  it("a nullable schema column the file does not have is read as nulls, in CSV and parquet", async () => {
    for (const [format, rows] of [
      ["csv", 6],
      ["parquet", 4],
    ] as const) {
      const source = transactionsSource(format, `transactions.${format}`, { policy: "drop", maxBadRows: 1 });
      const merchant = { name: "merchant", type: { kind: "string" as const, nullable: true }, unique: false };
      const { dataset, absentColumns } = await readSource({ ...source, columns: [...source.columns, merchant] }, fixtures);
      expect(absentColumns, format).toEqual(["merchant"]);
      expect(column(dataset, "merchant"), format).toEqual(new Array(rows).fill(null));
      expect(column(dataset, "hour").length, format).toBe(rows);
    }
    const source = transactionsSource("csv", "transactions.csv");
    const required = { name: "merchant", type: { kind: "string" as const, nullable: false }, unique: false };
    const error = await failure(readSource({ ...source, columns: [...source.columns, required] }, fixtures));
    expect(error.code).toBe("missing-column");
  });

  it("reads CRLF line endings and a UTF-8 BOM", async () => {
    const { mkdtempSync, readFileSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/mlops-crlf-`);
    try {
      const text = readFileSync(`${fixtures}transactions.csv`, "utf8").replace(/\n/g, "\r\n");
      writeFileSync(`${dir}/crlf.csv`, `\uFEFF${text}`);
      const { dataset } = await readSource(transactionsSource("csv", "crlf.csv"), dir);
      expect(column(dataset, "tx_id")).toEqual(["t1", "t2", "t3", "t4", "t5", "t6"]);
      expect(column(dataset, "opened")[5]).toBe(Date.UTC(2020, 0, 15) / 86_400_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says which file is missing", async () => {
    const error = await failure(read("csv", "nope/missing.csv"));
    expect(error.code).toBe("file-not-found");
    expect(error.message).toBe("nope/missing.csv: no such file (source transactions reads it)");
  });
});

describe("timestamp offsets", () => {
  it("a timestamp with an impossible offset is a bad row naming its row, column and value, in CSV and JSONL", async () => {
    const { mkdtempSync, readFileSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/mlops-offset-`);
    try {
      const csv = readFileSync(`${fixtures}transactions.csv`, "utf8").replace("2024-05-01T23:59:59Z", "2024-05-01T23:59:59+99:99");
      writeFileSync(`${dir}/offset.csv`, csv);
      const e1 = await failure(readSource(transactionsSource("csv", "offset.csv"), dir));
      expect(e1.badRows!.examples).toEqual([
        {
          row: 2,
          line: 3,
          column: "created_at",
          value: "2024-05-01T23:59:59+99:99",
          reason: expect.stringContaining("not a valid UTC offset"),
        },
      ]);
      const line = JSON.stringify({
        tx_id: "j1",
        amount: 1,
        category: "fuel",
        hour: 1,
        created_at: "2024-05-01T10:00:00-24:00",
        is_fraud: false,
        opened: "2020-01-01",
      });
      writeFileSync(`${dir}/offset.jsonl`, `${line}\n`);
      const e2 = await failure(readSource(transactionsSource("jsonl", "offset.jsonl"), dir));
      expect(e2.badRows!.examples).toEqual([
        {
          row: 1,
          line: 1,
          column: "created_at",
          value: "2024-05-01T10:00:00-24:00",
          reason: expect.stringContaining("not a valid UTC offset"),
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("jsonl reader", () => {
  it("reads nulls, missing keys and numbers-as-strings; reports invalid lines with their line", async () => {
    const error = await failure(read("jsonl", "transactions.jsonl"));
    expect(error.badRows!.examples).toEqual([
      { row: 4, line: 5, column: "hour", value: "2.5", reason: "expected an int, got 2.5" },
      expect.objectContaining({ row: 5, line: 6, column: null }),
      { row: 6, line: 7, column: null, value: "[1, 2, 3]", reason: "not a JSON object" },
    ]);
    expect(error.badRows!.examples[1]!.reason).toMatch(/^invalid JSON/);
    const { dataset } = await read("jsonl", "transactions.jsonl", { policy: "drop", maxBadRows: 3 });
    expect(column(dataset, "tx_id")).toEqual(["j1", "j2", "j3", "j7"]);
    expect(column(dataset, "amount")).toEqual([12.5, 250, 0.99, 3]);
    expect(column(dataset, "country")).toEqual(["US", null, null, "DE"]);
    expect(column(dataset, "created_at")[1]).toBe(1714607999000);
    expect(column(dataset, "is_fraud")).toEqual([false, true, false, false]);
  });
});

describe("parquet reader", () => {
  it("reads row groups typed by the schema and reports enum violations", async () => {
    const error = await failure(read("parquet", "transactions.parquet"));
    expect(error.badRows!.examples).toEqual([
      { row: 5, column: "category", value: "boats", reason: 'not one of "grocery", "travel", "online", "fuel"' },
    ]);
    const { dataset } = await read("parquet", "transactions.parquet", { policy: "drop", maxBadRows: 1 });
    expect(column(dataset, "hour")).toEqual([8, 23, 2, 14]);
    expect(column(dataset, "country")).toEqual(["US", null, "FR", "DE"]);
    expect(column(dataset, "created_at")[0]).toBe(Date.parse("2024-05-01T08:15:00Z"));
    expect(column(dataset, "opened")[3]).toBe(Date.UTC(2022, 1, 28) / 86_400_000);
  });
});

describe("hashFile", () => {
  it("is the sha256 of the content", async () => {
    const hash = await hashFile(`${fixtures}transactions.csv`);
    const { createHash } = await import("node:crypto");
    const { readFileSync } = await import("node:fs");
    expect(hash).toBe(
      createHash("sha256")
        .update(readFileSync(`${fixtures}transactions.csv`))
        .digest("hex"),
    );
  });
});
