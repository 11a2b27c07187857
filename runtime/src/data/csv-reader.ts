import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { SourceSpec } from "../plan.js";
import { DataError } from "./errors.js";
import { matchHeader } from "./header.js";
import type { RowSink } from "./row-sink.js";
import type { ProgressListener } from "./progress.js";

interface CsvRecord {
  record: string[];
  info: { lines: number; bytes: number };
}

/**
 * Streams a CSV file (a path, or a stream such as an S3 object's) with a header row into `sink`;
 * fields are matched to the schema by header name. Returns the nullable schema columns the file
 * does not have (read as nulls).
 */
export async function readCsvInto(
  input: string | Readable,
  displayName: string,
  source: Pick<SourceSpec, "columns">,
  sink: RowSink,
  onProgress?: ProgressListener,
): Promise<string[]> {
  const file = typeof input === "string" ? createReadStream(input) : input;
  const parser = file.pipe(parse({ info: true, relax_column_count: true, skip_empty_lines: true, bom: true }));
  let positions: number[] | null = null;
  let absent: string[] = [];
  let width = 0;
  let row = 0;
  const fields = new Array<string>(source.columns.length);
  try {
    for await (const item of parser as AsyncIterable<CsvRecord>) {
      const { record, info } = item;
      if (positions === null) {
        ({ positions, absent } = matchHeader(
          record.map((h) => h.trim()),
          source.columns,
          displayName,
        ));
        width = record.length;
        continue;
      }
      row++;
      if (record.length !== width) {
        sink.addBad(row, info.lines, `expected ${width} fields, got ${record.length}`, record.join(",").slice(0, 80));
      } else {
        for (let k = 0; k < positions.length; k++) fields[k] = positions[k]! < 0 ? "" : record[positions[k]!]!;
        sink.addText(fields, row, info.lines);
      }
      if (onProgress && row % 50_000 === 0) onProgress({ rows: row, bytes: info.bytes });
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError("parse-error", `${displayName}: ${(error as Error).message}`, displayName);
  } finally {
    parser.destroy();
    file.destroy();
  }
  if (positions === null) throw new DataError("missing-column", `${displayName}: the file is empty (no header row)`, displayName);
  return absent;
}
