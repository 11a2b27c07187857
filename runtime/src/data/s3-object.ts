/**
 * Data that lives in S3: a source `path` or a batch `output` written as `s3://bucket/key`. Reads
 * stream (CSV, JSON Lines) or fetch byte ranges (Parquet: footer and row groups), never the whole
 * object first. The cache identifies an object by its ETag and version instead of re-hashing it;
 * a read pinned to that ETag (`If-Match`) fails if the object changed during the run.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { AsyncBuffer } from "hyparquet";
import { cachedAsyncBuffer } from "hyparquet";
import { DataError } from "./errors.js";

export { isS3Url } from "./s3-url.js";

export type Env = Record<string, string | undefined>;

export interface S3ObjectInfo {
  url: string;
  etag: string;
  versionId: string | null;
  size: number;
}

export function parseS3Url(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new DataError("file-not-found", `${url}: not an s3://BUCKET/KEY URL`, url);
  return { bucket: match[1]!, key: match[2]! };
}

/** The data hash the cache uses for an S3 object: its location, ETag and version, not its bytes. */
export function s3DataHash(info: S3ObjectInfo): string {
  return createHash("sha256")
    .update(`s3\n${info.url}\n${info.etag}\n${info.versionId ?? ""}`)
    .digest("hex");
}

async function client(env: Env) {
  const [{ S3Client }, { s3ClientConfig, s3SettingsFromEnv }] = await Promise.all([
    import("@aws-sdk/client-s3"),
    import("../store/s3/s3-client-config.js"),
  ]);
  return new S3Client(s3ClientConfig(s3SettingsFromEnv(env)));
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function readError(url: string, sourceName: string, error: unknown): DataError {
  const status = statusOf(error);
  if (status === 404) return new DataError("file-not-found", `${url}: no such object (source ${sourceName} reads it)`, url);
  if (status === 412) return new DataError("parse-error", `${url}: the object changed while the run read it; run again`, url);
  return new DataError("parse-error", `${url}: ${(error as Error).message}`, url);
}

export async function headS3Object(url: string, sourceName: string, env: Env): Promise<S3ObjectInfo> {
  const { bucket, key } = parseS3Url(url);
  const s3 = await client(env);
  const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { url, etag: head.ETag ?? "", versionId: head.VersionId ?? null, size: head.ContentLength ?? 0 };
  } catch (error) {
    throw readError(url, sourceName, error);
  } finally {
    s3.destroy();
  }
}

/** The object's bytes as a stream, pinned to `etag` when given. */
export async function streamS3Object(url: string, sourceName: string, env: Env, etag?: string): Promise<Readable> {
  const { bucket, key } = parseS3Url(url);
  const s3 = await client(env);
  const { GetObjectCommand } = await import("@aws-sdk/client-s3");
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(etag ? { IfMatch: etag } : {}) }));
    const body = response.Body as Readable;
    body.once("close", () => s3.destroy());
    return body;
  } catch (error) {
    s3.destroy();
    throw readError(url, sourceName, error);
  }
}

/** Random access for Parquet readers: ranged GETs (pinned to the ETag), cached by hyparquet. */
export async function s3AsyncBuffer(info: S3ObjectInfo, sourceName: string, env: Env): Promise<AsyncBuffer & { close(): void }> {
  const { bucket, key } = parseS3Url(info.url);
  const s3 = await client(env);
  const { GetObjectCommand } = await import("@aws-sdk/client-s3");
  const ranged: AsyncBuffer = {
    byteLength: info.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const last = (end ?? info.size) - 1;
      try {
        const response = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${last}`, ...(info.etag ? { IfMatch: info.etag } : {}) }),
        );
        const bytes = await response.Body!.transformToByteArray();
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      } catch (error) {
        throw readError(info.url, sourceName, error);
      }
    },
  };
  return Object.assign(cachedAsyncBuffer(ranged), { close: () => s3.destroy() });
}

/** Uploads a local file to `url` (one PUT, or a multipart upload when large). */
export async function uploadFileToS3(localPath: string, url: string, env: Env): Promise<void> {
  const { bucket, key } = parseS3Url(url);
  const s3 = await client(env);
  const { Upload } = await import("@aws-sdk/lib-storage");
  try {
    const size = (await stat(localPath)).size;
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: createReadStream(localPath), ContentLength: size },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
    }).done();
  } finally {
    s3.destroy();
  }
}
