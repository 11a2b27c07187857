import { stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { SourceSpec } from "../plan.js";
import type { BadRowReport } from "./bad-rows.js";
import { readCsvInto } from "./csv-reader.js";
import type { Dataset } from "./dataset.js";
import { DataError } from "./errors.js";
import { readJsonlInto } from "./jsonl-reader.js";
import { readParquetInto } from "./parquet-reader.js";
import type { ProgressListener } from "./progress.js";
import { RowSink, type RowSinkOptions } from "./row-sink.js";

export interface ReadOptions extends RowSinkOptions {
  /** Read this file instead of `source.path` (batch scoring input, tests). */
  path?: string;
  onProgress?: ProgressListener;
}

export interface ReadResult {
  dataset: Dataset;
  badRows: BadRowReport;
  /** The file as named in messages (the source's relative path, or the path given). */
  file: string;
}

/**
 * Reads a source's file (relative to `projectRoot`), typed and checked by its schema.
 * Throws `DataError` for a missing file, header mismatch, unreadable file, or bad rows beyond the policy.
 */
export async function readSource(source: SourceSpec, projectRoot: string, options: ReadOptions = {}): Promise<ReadResult> {
  const display = options.path ?? source.path;
  const path = isAbsolute(display) ? display : join(projectRoot, display);
  await assertFile(path, display, source.name);
  const sink = new RowSink(source, display, options);
  switch (source.format) {
    case "csv":
      await readCsvInto(path, display, source, sink, options.onProgress);
      break;
    case "jsonl":
      await readJsonlInto(path, source, sink, options.onProgress);
      break;
    case "parquet":
      await readParquetInto(path, display, source, sink, options.onProgress);
      break;
  }
  return { ...sink.finish(), file: display };
}

async function assertFile(path: string, display: string, sourceName: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new DataError("file-not-found", `${display}: not a file (source ${sourceName})`, display);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError("file-not-found", `${display}: no such file (source ${sourceName} reads it)`, display);
  }
}
