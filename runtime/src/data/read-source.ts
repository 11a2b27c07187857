import { NO_GRANTS, PathError, resolveInput, type PathGrants } from "../files/project-paths.js";
import type { SourceSpec } from "../plan.js";
import type { BadRowReport } from "./bad-rows.js";
import { readCsvInto } from "./csv-reader.js";
import type { Dataset } from "./dataset.js";
import { DataError } from "./errors.js";
import { readJsonlInto } from "./jsonl-reader.js";
import { readParquetInto } from "./parquet-reader.js";
import { isRemoteSource, readRemoteSource } from "./remote-source.js";
import type { ProgressListener } from "./progress.js";
import { RowSink, type RowSinkOptions } from "./row-sink.js";

export interface ReadOptions extends RowSinkOptions {
  /** Read this file instead of `source.path` (batch scoring input, tests). */
  path?: string;
  onProgress?: ProgressListener;
  /** Directories outside the project the file may be in (default: none). */
  grants?: PathGrants;
  /** The process environment: AWS settings for `s3://` paths, secret values for `postgres` connections. */
  env?: Record<string, string | undefined>;
  /** For `s3://` and `postgres` sources: the data hash the run's cache keys used (the read fails if the data changed). */
  expectedHash?: string;
}

export interface ReadResult {
  dataset: Dataset;
  badRows: BadRowReport;
  /** The file as named in messages (the source's relative path, or the path given). */
  file: string;
  /** Nullable schema columns the file does not have, read as all nulls (CSV and parquet; a JSONL key may be missing on any line). */
  absentColumns: string[];
}

/**
 * Reads a source's file (relative to `projectRoot`), typed and checked by its schema. The file must
 * be a regular file inside the project (after symlinks), or under a directory `options.grants` allows.
 * Throws `DataError` for a missing, outside or non-regular file, a header mismatch, an unreadable
 * file, or bad rows beyond the policy.
 */
export async function readSource(source: SourceSpec, projectRoot: string, options: ReadOptions = {}): Promise<ReadResult> {
  const remote = options.path === undefined ? source : { format: source.format, path: options.path };
  if (isRemoteSource(remote)) return readRemoteSource({ ...source, path: remote.path }, { ...options, env: options.env ?? {} });
  const display = options.path ?? source.path;
  const path = await sourceFile(projectRoot, display, source.name, options.grants ?? NO_GRANTS);
  const sink = new RowSink(source, display, options);
  let absentColumns: string[] = [];
  switch (source.format) {
    case "csv":
      absentColumns = await readCsvInto(path, display, source, sink, options.onProgress);
      break;
    case "jsonl":
      await readJsonlInto(path, source, sink, options.onProgress);
      break;
    case "parquet":
      absentColumns = await readParquetInto(path, display, source, sink, options.onProgress);
      break;
  }
  return { ...sink.finish(), file: display, absentColumns };
}

async function sourceFile(projectRoot: string, display: string, sourceName: string, grants: PathGrants): Promise<string> {
  try {
    return await resolveInput(projectRoot, display, grants, `source ${sourceName}`);
  } catch (error) {
    if (error instanceof PathError)
      throw new DataError(error.code === "no-such-file" ? "file-not-found" : error.code, error.message, display);
    throw error;
  }
}
