/**
 * Sources whose data is not a project file: an `s3://` object (csv, jsonl, parquet) or the result
 * of a PostgreSQL query (`format = postgres`). Their data hash (the cache's key) is the object's
 * ETag and version, or the hash of the query's result; a read checks the data it reads is the data
 * that was hashed, so a change in the middle of a run is an error, not a silent mix.
 */
import type { SourceSpec } from "../plan.js";
import type { BadRowReport } from "./bad-rows.js";
import type { Dataset } from "./dataset.js";
import { DataError } from "./errors.js";
import type { ProgressListener } from "./progress.js";
import { RowSink, type RowSinkOptions } from "./row-sink.js";
import { isS3Url } from "./s3-url.js";
import type { Env } from "./s3-object.js";

// The readers and clients (pg, the AWS SDK, hyparquet, csv-parse) load only when a remote source is read.
const postgres = () => import("./postgres-source.js");
const s3 = () => import("./s3-object.js");

export interface RemoteReadOptions extends RowSinkOptions {
  env: Env;
  onProgress?: ProgressListener;
  /** The data hash the run's cache keys were computed from; the read fails if the data differs. */
  expectedHash?: string;
}

export function isRemoteSource(source: Pick<SourceSpec, "format" | "path">): boolean {
  return source.format === "postgres" || isS3Url(source.path);
}

export async function remoteDataHash(source: SourceSpec, env: Env): Promise<string> {
  if (source.format === "postgres") return (await postgres()).readPostgresSource(source, env);
  const { headS3Object, s3DataHash } = await s3();
  return s3DataHash(await headS3Object(source.path, source.name, env));
}

export async function readRemoteSource(
  source: SourceSpec,
  options: RemoteReadOptions,
): Promise<{ dataset: Dataset; badRows: BadRowReport; file: string; absentColumns: string[] }> {
  const display = source.format === "postgres" ? `source ${source.name} (PostgreSQL query)` : source.path;
  const sink = new RowSink(source, display, options);
  const changed = (): DataError =>
    new DataError(
      "parse-error",
      `${display}: the data changed while the run read it (its cache key no longer matches); run again`,
      display,
    );
  if (source.format === "postgres") {
    const hash = await (await postgres()).readPostgresSource(source, options.env, {
      sink,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    if (options.expectedHash !== undefined && hash !== options.expectedHash) throw changed();
    return { ...sink.finish(), file: display, absentColumns: [] };
  }
  const { headS3Object, s3AsyncBuffer, s3DataHash, streamS3Object } = await s3();
  const info = await headS3Object(source.path, source.name, options.env);
  if (options.expectedHash !== undefined && s3DataHash(info) !== options.expectedHash) throw changed();
  let absentColumns: string[] = [];
  switch (source.format) {
    case "csv": {
      const { readCsvInto } = await import("./csv-reader.js");
      absentColumns = await readCsvInto(
        await streamS3Object(source.path, source.name, options.env, info.etag),
        display,
        source,
        sink,
        options.onProgress,
      );
      break;
    }
    case "jsonl": {
      const { readJsonlInto } = await import("./jsonl-reader.js");
      await readJsonlInto(await streamS3Object(source.path, source.name, options.env, info.etag), source, sink, options.onProgress);
      break;
    }
    case "parquet": {
      const { readParquetInto } = await import("./parquet-reader.js");
      const buffer = await s3AsyncBuffer(info, source.name, options.env);
      try {
        absentColumns = await readParquetInto(buffer, display, source, sink, options.onProgress);
      } finally {
        buffer.close();
      }
      break;
    }
  }
  return { ...sink.finish(), file: display, absentColumns };
}
