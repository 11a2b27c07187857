/**
 * Where `mlops models export -o` writes: a local folder, or an `s3://bucket/prefix` in any
 * S3-compatible object store (the folder KServe's ONNX runtime reads as `storageUri`), reached with
 * the same `AWS_*` settings as the artifact store. The S3 client is loaded only for an `s3://` output.
 */
import { join, resolve } from "node:path";
import { writeFileAtomic } from "@mlops/compiler/cli-core";

export type ExportDestination =
  | { kind: "dir"; dir: string }
  | { kind: "s3"; bucket: string; prefix: string; env: Record<string, string | undefined> };

/** `s3://bucket/a/b` (a bucket name and an optional key prefix), else a folder relative to `cwd`. */
export function exportDestination(output: string, cwd: string, env: Record<string, string | undefined>): ExportDestination {
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(output);
  if (s3) return { kind: "s3", bucket: s3[1]!, prefix: (s3[2] ?? "").replace(/\/+$/, ""), env };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(output)) throw new Error(`cannot export to ${output}: give a folder or an s3://bucket/prefix`);
  return { kind: "dir", dir: resolve(cwd, output) };
}

/** Writes the files (name → content) whole; returns where each went (paths, or s3:// URLs). */
export async function writeExportFiles(destination: ExportDestination, files: Array<[string, Uint8Array | string]>): Promise<string[]> {
  if (destination.kind === "dir") {
    return files.map(([name, content]) => {
      const path = join(destination.dir, name);
      writeFileAtomic(path, content);
      return path;
    });
  }
  const [{ PutObjectCommand, S3Client }, { s3ClientConfig, s3SettingsFromEnv }] = await Promise.all([
    import("@aws-sdk/client-s3"),
    import("../store/s3/s3-client-config.js"),
  ]);
  const client = new S3Client(s3ClientConfig(s3SettingsFromEnv(destination.env)));
  try {
    const written: string[] = [];
    for (const [name, content] of files) {
      const key = destination.prefix ? `${destination.prefix}/${name}` : name;
      try {
        await client.send(new PutObjectCommand({ Bucket: destination.bucket, Key: key, Body: content }));
      } catch (error) {
        throw new Error(`cannot write s3://${destination.bucket}/${key}: ${(error as Error).message}`);
      }
      written.push(`s3://${destination.bucket}/${key}`);
    }
    return written;
  } finally {
    client.destroy();
  }
}
