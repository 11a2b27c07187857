import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  ArtifactError,
  ArtifactStoreBase,
  assertArtifactHash,
  corruptArtifact,
  isArtifactHash,
  type ArtifactRef,
} from "../artifact-store.js";
import { s3ClientConfig, type S3Settings } from "./s3-client-config.js";
import { Spool, removeAbandonedSpools } from "./spool.js";

/** Objects at or below this size go up in one PUT; larger ones in parts of this size. */
export const PART_SIZE = 8 * 1024 * 1024;
/** An unfinished multipart upload older than this belongs to a writer that is gone. */
const ABANDONED_AFTER_MS = 15 * 60 * 1000;

/**
 * Content-addressed objects in any S3-compatible bucket (AWS S3, MinIO, Ceph, GCS interoperability)
 * under `<prefix>/<first 2 hex>/<sha256>`, the layout of the file store. A write spools the content
 * (in memory, or a temp file past 8 MiB) while hashing it, so the key is known before anything is
 * sent; then it is put only if absent (`If-None-Match: *`, after a HEAD that skips the upload when
 * an intact copy is there), in one PUT or a multipart upload. S3 makes an object visible only when
 * its upload completes, so a killed writer never leaves a partial object. Objects carry their
 * sha256 as metadata; every read checks the content against the key.
 */
export class S3ArtifactStore extends ArtifactStoreBase {
  readonly location: string;
  /** Requests sent (for the benchmark's round-trip count). */
  requests = 0;
  private readonly client: S3Client;

  private constructor(
    readonly bucket: string,
    readonly prefix: string,
    settings: S3Settings,
  ) {
    super();
    this.location = `s3://${bucket}${prefix ? `/${prefix}` : ""}`;
    this.client = new S3Client(s3ClientConfig(settings));
    this.client.middlewareStack.add(
      (next) => (args) => {
        this.requests++;
        return next(args);
      },
      { step: "build", name: "mlopsRequestCounter" },
    );
  }

  /** Opens the store and removes what killed writers left (their spool files, unfinished uploads). */
  static async open(bucket: string, prefix: string, settings: S3Settings): Promise<S3ArtifactStore> {
    const store = new S3ArtifactStore(bucket, prefix, settings);
    await store.removeAbandoned();
    return store;
  }

  keyOf(hash: string): string {
    assertArtifactHash(hash);
    return `${this.prefix ? `${this.prefix}/` : ""}${hash.slice(0, 2)}/${hash}`;
  }

  private urlOf(hash: string): string {
    return `s3://${this.bucket}/${this.keyOf(hash)}`;
  }

  async putStream(source: AsyncIterable<Uint8Array | string>): Promise<ArtifactRef> {
    const spool = new Spool(PART_SIZE);
    try {
      const hasher = createHash("sha256");
      for await (const chunk of source) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
        hasher.update(bytes);
        await spool.write(bytes);
      }
      const hash = hasher.digest("hex");
      const size = spool.size;
      const state = await this.stateOf(hash, size);
      if (state !== "intact") await this.upload(hash, spool, state === "absent");
      return { hash, size };
    } finally {
      await spool.discard();
    }
  }

  /** `intact`: an object with this content's size and recorded sha256; `damaged`: something else under the key. */
  private async stateOf(hash: string, size: number): Promise<"absent" | "intact" | "damaged"> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(hash) }));
      return head.ContentLength === size && head.Metadata?.sha256 === hash ? "intact" : "damaged";
    } catch (error) {
      if (isNotFound(error)) return "absent";
      throw error;
    }
  }

  private async upload(hash: string, spool: Spool, ifAbsent: boolean): Promise<void> {
    const params = { Bucket: this.bucket, Key: this.keyOf(hash), Metadata: { sha256: hash }, ContentType: "application/octet-stream" };
    try {
      if (spool.size <= PART_SIZE) {
        await this.client.send(
          new PutObjectCommand({ ...params, Body: spool.buffer(), ContentLength: spool.size, ...(ifAbsent ? { IfNoneMatch: "*" } : {}) }),
        );
      } else {
        await new Upload({ client: this.client, params: { ...params, Body: spool.stream() }, partSize: PART_SIZE, queueSize: 2 }).done();
      }
    } catch (error) {
      // another writer stored the same content first
      if (ifAbsent && statusOf(error) === 412) return;
      throw error;
    }
  }

  async has(hash: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(hash) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async get(hash: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(hash)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async *stream(hash: string): AsyncIterable<Buffer> {
    const url = this.urlOf(hash);
    let body: Readable;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(hash) }));
      body = response.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new ArtifactError("missing", `artifact ${hash} is missing: no object ${url}`, hash, url);
      throw error;
    }
    const hasher = createHash("sha256");
    for await (const chunk of body) {
      hasher.update(chunk as Buffer);
      yield chunk as Buffer;
    }
    const actual = hasher.digest("hex");
    if (actual !== hash) throw corruptArtifact(hash, url, actual);
  }

  async list(): Promise<string[]> {
    const hashes: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix ? `${this.prefix}/` : undefined, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(object.Key.lastIndexOf("/") + 1) ?? "";
        if (isArtifactHash(name) && object.Key === this.keyOf(name)) hashes.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return hashes.sort();
  }

  async removeAbandoned(): Promise<number> {
    let removed = await removeAbandonedSpools();
    let uploads;
    try {
      uploads = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix ? `${this.prefix}/` : undefined }),
      );
    } catch (error) {
      // services without the call (some S3-compatible servers) leave this to their own expiry rules
      if (statusOf(error) === 501 || statusOf(error) === 405) return removed;
      throw error;
    }
    for (const upload of uploads.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || !upload.Initiated) continue;
      if (Date.now() - upload.Initiated.getTime() < ABANDONED_AFTER_MS) continue;
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }));
      removed++;
    }
    return removed;
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === "NoSuchKey" || name === "NotFound" || statusOf(error) === 404;
}
