import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { MS_PER_DAY, cellValue, type CellValue, type Column, type Dataset } from "./dataset.js";

export type OutputFormat = "csv" | "jsonl";

/** Streams records to a CSV (header from `columns`) or JSONL file; the file appears whole on `close()`. */
export interface RecordWriter {
  write(record: Readonly<Record<string, CellValue>>): Promise<void>;
  close(): Promise<void>;
  /** Drops the partial output. */
  abort(): Promise<void>;
}

export async function createRecordWriter(path: string, format: OutputFormat, columns: readonly string[]): Promise<RecordWriter> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const stream = createWriteStream(temp);
  let failure: Error | null = null;
  stream.on("error", (error) => (failure ??= error));
  const write = async (text: string): Promise<void> => {
    if (failure) throw failure;
    if (!stream.write(text)) await drained(stream);
    if (failure) throw failure;
  };
  if (format === "csv") await write(`${columns.map(csvField).join(",")}\n`);
  return {
    async write(record) {
      const line =
        format === "csv"
          ? columns.map((c) => csvField(record[c] ?? null)).join(",")
          : JSON.stringify(Object.fromEntries(columns.map((c) => [c, record[c] ?? null])));
      await write(`${line}\n`);
    },
    async close() {
      await new Promise<void>((resolve, reject) => stream.end(() => (failure ? reject(failure) : resolve())));
      await rename(temp, path);
    },
    async abort() {
      stream.destroy();
      await rm(temp, { force: true });
    },
  };
}

/** Waits until `stream` drains or closes, leaving no listener behind (one per wait would pile up). */
function drained(stream: WriteStream): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

export async function writeRecords(
  path: string,
  format: OutputFormat,
  columns: readonly string[],
  records: Iterable<Readonly<Record<string, CellValue>>>,
): Promise<void> {
  const writer = await createRecordWriter(path, format, columns);
  try {
    for (const record of records) await writer.write(record);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Row `i` of a dataset for output: timestamps as ISO 8601 (UTC), dates as YYYY-MM-DD. */
export function outputRecord(dataset: Dataset, i: number): Record<string, CellValue> {
  const record: Record<string, CellValue> = {};
  for (const column of dataset.columns) record[column.name] = outputValue(column, i);
  return record;
}

function outputValue(column: Column, i: number): CellValue {
  const value = cellValue(column, i);
  if (value === null || typeof value !== "number") return value;
  if (column.type.kind === "timestamp") return new Date(value).toISOString();
  if (column.type.kind === "date") return new Date(value * MS_PER_DAY).toISOString().slice(0, 10);
  return value;
}

function csvField(value: CellValue): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
