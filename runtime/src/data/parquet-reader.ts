import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer } from "hyparquet";
import type { SourceSpec } from "../plan.js";
import { DataError } from "./errors.js";
import { matchHeader } from "./header.js";
import type { ProgressListener } from "./progress.js";
import type { RowSink } from "./row-sink.js";

/**
 * Reads a parquet file one row group at a time into `sink` (INT64 → number, timestamps/dates from
 * their logical types). Returns the nullable schema columns the file does not have (read as nulls).
 */
export async function readParquetInto(
  input: string | AsyncBuffer,
  displayName: string,
  source: Pick<SourceSpec, "columns">,
  sink: RowSink,
  onProgress?: ProgressListener,
): Promise<string[]> {
  let metadata;
  const file = typeof input === "string" ? await asyncBufferFromFile(input) : input;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new DataError("parse-error", `${displayName}: not a readable parquet file (${(error as Error).message})`, displayName);
  }
  const fileColumns = parquetSchema(metadata).children.map((child) => child.element.name);
  const { absent } = matchHeader(fileColumns, source.columns, displayName);
  const names = source.columns.map((c) => c.name);
  const present = names.filter((name) => !absent.includes(name));
  const values = new Array<unknown>(names.length);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, columns: present, rowStart, rowEnd });
    for (let i = 0; i < rows.length; i++) {
      const record = rows[i]!;
      for (let k = 0; k < names.length; k++) values[k] = record[names[k]!];
      sink.addValues(values, rowStart + i + 1);
    }
    rowStart = rowEnd;
    onProgress?.({ rows: rowStart });
  }
  return absent;
}
