import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { Readable } from "node:stream";

export interface ArtifactRef {
  /** sha256 (hex) of the content: the artifact's name. */
  hash: string;
  size: number;
}

export type ArtifactErrorCode = "missing" | "corrupt" | "invalid-hash";

/** A missing or tampered artifact; the message names the file. */
export class ArtifactError extends Error {
  override readonly name = "ArtifactError";
  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    readonly hash: string,
    readonly path: string,
  ) {
    super(message);
  }
}

const HASH = /^[0-9a-f]{64}$/;
const TEMP_PREFIX = ".tmp-";

/**
 * Content-addressed files under `<root>/artifacts/<first 2 hex>/<sha256>`. A write goes to a temp
 * file in the final directory, is fsynced, then renamed into place (and the directory fsynced), so
 * an artifact is either absent or complete. Every read checks the content against its name.
 */
export class ArtifactStore {
  readonly dir: string;

  /** `root` is the project's `.mlops` directory. */
  constructor(readonly root: string) {
    this.dir = join(root, "artifacts");
  }

  static forProject(projectDir: string): ArtifactStore {
    return new ArtifactStore(join(projectDir, ".mlops"));
  }

  pathOf(hash: string): string {
    if (!HASH.test(hash)) throw new ArtifactError("invalid-hash", `not a sha256 artifact hash: ${JSON.stringify(hash)}`, hash, "");
    return join(this.dir, hash.slice(0, 2), hash);
  }

  async put(data: Uint8Array | string): Promise<ArtifactRef> {
    return this.putStream(Readable.from([typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data)]));
  }

  /** Stores `value` as JSON text (UTF-8, keys in insertion order). */
  async putJson(value: unknown): Promise<ArtifactRef> {
    return this.put(JSON.stringify(value));
  }

  async putFile(path: string): Promise<ArtifactRef> {
    return this.putStream(createReadStream(path));
  }

  /** Streams content into the store; if the stream fails, nothing is left behind. */
  async putStream(source: AsyncIterable<Uint8Array | string>): Promise<ArtifactRef> {
    const incoming = join(this.dir, "incoming");
    await mkdir(incoming, { recursive: true });
    const temp = join(incoming, `${TEMP_PREFIX}${process.pid}-${randomBytes(8).toString("hex")}`);
    const hasher = createHash("sha256");
    let size = 0;
    const handle = await open(temp, "wx");
    try {
      for await (const chunk of source) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
        hasher.update(bytes);
        size += bytes.length;
        await handle.write(bytes);
      }
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    const hash = hasher.digest("hex");
    const final = this.pathOf(hash);
    await mkdir(join(this.dir, hash.slice(0, 2)), { recursive: true });
    await rename(temp, final);
    await syncDir(join(this.dir, hash.slice(0, 2)));
    return { hash, size };
  }

  /** True when the artifact file exists (its content is checked on read). */
  async has(hash: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(hash))).isFile();
    } catch (error) {
      if (error instanceof ArtifactError) throw error;
      return false;
    }
  }

  /** The content, checked against its hash. */
  async get(hash: string): Promise<Buffer> {
    const path = this.pathOf(hash);
    const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw this.missing(hash, path, error);
    });
    const actual = createHash("sha256").update(data).digest("hex");
    if (actual !== hash) throw corrupt(hash, path, actual);
    return data;
  }

  async getText(hash: string): Promise<string> {
    return (await this.get(hash)).toString("utf8");
  }

  async getJson<T>(hash: string): Promise<T> {
    return JSON.parse(await this.getText(hash)) as T;
  }

  /** Checks the file (streamed) and returns its path, for readers that want a path (onnxruntime). */
  async verifiedPath(hash: string): Promise<string> {
    await this.verify(hash);
    return this.pathOf(hash);
  }

  async verify(hash: string): Promise<void> {
    const path = this.pathOf(hash);
    const hasher = createHash("sha256");
    try {
      for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
    } catch (error) {
      throw this.missing(hash, path, error as NodeJS.ErrnoException);
    }
    const actual = hasher.digest("hex");
    if (actual !== hash) throw corrupt(hash, path, actual);
  }

  /** Every stored artifact hash (temp files excluded). */
  async list(): Promise<string[]> {
    const shards = await readdir(this.dir).catch(() => [] as string[]);
    const hashes: string[] = [];
    for (const shard of shards.filter((s) => /^[0-9a-f]{2}$/.test(s)).sort()) {
      for (const name of (await readdir(join(this.dir, shard))).sort()) if (HASH.test(name)) hashes.push(name);
    }
    return hashes;
  }

  /** Removes temp files older than `maxAgeMs` left by writers that crashed. Returns how many. */
  async removeStaleTemp(maxAgeMs = 60 * 60 * 1000): Promise<number> {
    const incoming = join(this.dir, "incoming");
    const names = await readdir(incoming).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
      const path = join(incoming, name);
      const info = await stat(path).catch(() => null);
      if (info && Date.now() - info.mtimeMs >= maxAgeMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private missing(hash: string, path: string, error: NodeJS.ErrnoException): Error {
    if (error.code === "ENOENT") return new ArtifactError("missing", `artifact ${hash} is missing: no file ${path}`, hash, path);
    return error;
  }
}

function corrupt(hash: string, path: string, actual: string): ArtifactError {
  return new ArtifactError(
    "corrupt",
    `artifact ${basename(path)} is corrupt: ${path} has sha256 ${actual} (tampered with or damaged); delete it and run again to rebuild it`,
    hash,
    path,
  );
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch {
    // some filesystems refuse fsync on a directory; the rename is still atomic
  } finally {
    await handle.close();
  }
}
