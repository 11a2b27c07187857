import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readSource } from "../../src/data/read-source.js";
import { createRecordWriter, outputRecord, writeRecords } from "../../src/data/record-writer.js";
import { transactionsSource } from "../fixtures/sources.js";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("record writer", () => {
  it("writes CSV with quoting and nulls as empty fields, JSONL with nulls", async () => {
    dir = mkdtempSync(join(tmpdir(), "mlops-out-"));
    const rows = [
      { id: "a", note: 'say "hi", then\nleave', score: 0.5, ok: true },
      { id: "b", note: null, score: 2, ok: false },
    ];
    await writeRecords(join(dir, "out.csv"), "csv", ["id", "note", "score", "ok"], rows);
    expect(readFileSync(join(dir, "out.csv"), "utf8")).toBe('id,note,score,ok\na,"say ""hi"", then\nleave",0.5,true\nb,,2,false\n');
    await writeRecords(join(dir, "sub", "out.jsonl"), "jsonl", ["id", "note"], rows);
    expect(readFileSync(join(dir, "sub", "out.jsonl"), "utf8")).toBe(
      '{"id":"a","note":"say \\"hi\\", then\\nleave"}\n{"id":"b","note":null}\n',
    );
  });

  it("writes a large file without piling up listeners (no MaxListenersExceededWarning)", async () => {
    dir = mkdtempSync(join(tmpdir(), "mlops-out-"));
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const rows = function* () {
        for (let i = 0; i < 200_000; i++) yield { id: `row-${i}`, value: i / 7 };
      };
      await writeRecords(join(dir, "big.csv"), "csv", ["id", "value"], rows());
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    expect(readFileSync(join(dir, "big.csv"), "utf8").split("\n")).toHaveLength(200_002);
  });

  it("shows no output file until closed, and none after abort", async () => {
    dir = mkdtempSync(join(tmpdir(), "mlops-out-"));
    const writer = await createRecordWriter(join(dir, "scores.jsonl"), "jsonl", ["x"]);
    await writer.write({ x: 1 });
    expect(readdirSync(dir).filter((f) => !f.startsWith("."))).toEqual([]);
    await writer.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("round-trips a dataset: timestamps and dates come out as ISO text that reads back the same", async () => {
    dir = mkdtempSync(join(tmpdir(), "mlops-out-"));
    const source = transactionsSource("csv", "transactions.csv");
    const { dataset } = await readSource(source, fixtures);
    const columns = source.columns.map((c) => c.name);
    const records = Array.from({ length: dataset.rowCount }, (_, i) => outputRecord(dataset, i));
    expect(records[0]).toMatchObject({ created_at: "2024-05-01T08:15:00.000Z", opened: "2020-01-15", is_fraud: false });
    await writeRecords(join(dir, "copy.csv"), "csv", columns, records);
    const again = await readSource({ ...source, path: "copy.csv" }, dir);
    expect(again.dataset.columns.map((c) => Array.from(c.nulls))).toEqual(dataset.columns.map((c) => Array.from(c.nulls)));
    expect(Array.from({ length: again.dataset.rowCount }, (_, i) => outputRecord(again.dataset, i))).toEqual(records);
  });
});
