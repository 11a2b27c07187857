/**
 * The artifact store: content-addressed bytes (model files, datasets, reports) named by their
 * sha256. Two implementations: files under `.mlops/artifacts/` (`file/file-artifact-store.ts`) and
 * any S3-compatible bucket (`s3/s3-artifact-store.ts`). Invariants every implementation keeps:
 * - the key is the content hash; a write never replaces an intact object (put-if-absent), only
 *   one whose content no longer matches its name (writing is repair);
 * - an object is complete or absent (a killed writer leaves no partial object under its key);
 * - every read checks the content against its name (`ArtifactError` "corrupt" otherwise).
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";

export interface ArtifactRef {
  /** sha256 (hex) of the content: the artifact's name. */
  hash: string;
  size: number;
}

export type ArtifactErrorCode = "missing" | "corrupt" | "invalid-hash";

/** A missing or tampered artifact; the message names where it is. */
export class ArtifactError extends Error {
  override readonly name = "ArtifactError";
  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    readonly hash: string,
    /** The file path or object URL. */
    readonly path: string,
  ) {
    super(message);
  }
}

export interface ArtifactStore {
  /** Where the artifacts are, for messages: a directory or `s3://bucket/prefix`. */
  readonly location: string;
  /** Streams content into the store; if the stream fails, nothing is left behind. */
  putStream(source: AsyncIterable<Uint8Array | string>): Promise<ArtifactRef>;
  put(data: Uint8Array | string): Promise<ArtifactRef>;
  /** Stores `value` as JSON text (UTF-8, keys in insertion order). */
  putJson(value: unknown): Promise<ArtifactRef>;
  putFile(path: string): Promise<ArtifactRef>;
  /** True when an object exists under `hash` (its content is checked on read). */
  has(hash: string): Promise<boolean>;
  /** The whole content, checked against its hash. */
  get(hash: string): Promise<Buffer>;
  getText(hash: string): Promise<string>;
  getJson<T>(hash: string): Promise<T>;
  /**
   * The content in chunks, for artifacts too large to hold at once. The hash is checked as the
   * chunks pass: the stream throws a "corrupt" `ArtifactError` at its end when it does not match,
   * so a consumer must not act on the content before the stream has ended without error.
   */
  stream(hash: string): AsyncIterable<Buffer>;
  /** Reads the whole object (streamed) and checks it against its hash. */
  verify(hash: string): Promise<void>;
  /** Every stored artifact hash, sorted (temp files and unfinished uploads excluded). */
  list(): Promise<string[]>;
  /** Removes what writers that were killed left behind (temp files, unfinished uploads). Returns how many. */
  removeAbandoned(): Promise<number>;
  close(): Promise<void>;
}

const HASH = /^[0-9a-f]{64}$/;

export function isArtifactHash(hash: string): boolean {
  return HASH.test(hash);
}

export function assertArtifactHash(hash: string): void {
  if (!HASH.test(hash)) throw new ArtifactError("invalid-hash", `not a sha256 artifact hash: ${JSON.stringify(hash)}`, hash, "");
}

export function corruptArtifact(hash: string, where: string, actual: string): ArtifactError {
  return new ArtifactError(
    "corrupt",
    `artifact ${hash} is corrupt: ${where} has sha256 ${actual} (tampered with or damaged); delete it and run again to rebuild it`,
    hash,
    where,
  );
}

/** The convenience methods of `ArtifactStore`, written once over `putStream` and `get`. */
export abstract class ArtifactStoreBase implements ArtifactStore {
  abstract readonly location: string;
  abstract putStream(source: AsyncIterable<Uint8Array | string>): Promise<ArtifactRef>;
  abstract has(hash: string): Promise<boolean>;
  abstract get(hash: string): Promise<Buffer>;
  abstract stream(hash: string): AsyncIterable<Buffer>;
  abstract list(): Promise<string[]>;
  abstract removeAbandoned(): Promise<number>;

  put(data: Uint8Array | string): Promise<ArtifactRef> {
    return this.putStream(Readable.from([typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data)]));
  }

  putJson(value: unknown): Promise<ArtifactRef> {
    return this.put(JSON.stringify(value));
  }

  putFile(path: string): Promise<ArtifactRef> {
    return this.putStream(createReadStream(path));
  }

  async getText(hash: string): Promise<string> {
    return (await this.get(hash)).toString("utf8");
  }

  async getJson<T>(hash: string): Promise<T> {
    return JSON.parse(await this.getText(hash)) as T;
  }

  async verify(hash: string): Promise<void> {
    for await (const _chunk of this.stream(hash)) {
      // the stream checks the hash at its end
    }
  }

  async close(): Promise<void> {}
}
