import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ArtifactError,
  ArtifactStoreBase,
  assertArtifactHash,
  corruptArtifact,
  isArtifactHash,
  type ArtifactRef,
} from "../artifact-store.js";
import { FileHashCache } from "../../files/file-hash-cache.js";
import { ownedName, ownerIsGone } from "../process-identity.js";

const TEMP_PREFIX = ".tmp-";
/** A temp file nobody has written to for this long belongs to a writer that is gone (any host). */
const ABANDONED_AFTER_MS = 15 * 60 * 1000;

/**
 * Content-addressed files under `<dir>/<first 2 hex>/<sha256>` (`dir` is `.mlops/artifacts` by
 * default). A write goes to `<dir>/incoming/.tmp-<host>~<pid namespace>~<pid>~<random>`, is
 * fsynced, then hard-linked into place (put-if-absent: an intact existing object is never
 * replaced; a damaged one is) and the directory fsynced, so an artifact is either absent or complete. Opening the store removes the
 * temp files of writers that died: at once when the writer was a process of this host and pid
 * namespace, otherwise when the file has not been written to for 15 minutes.
 *
 * `verify` (what a cached step asks of its outputs) re-reads an object only when its stamp changed
 * since it was last found intact: `<dir>/verified.json` remembers the hash of each object file by
 * its stat, with the data file hash cache's rules (`files/file-hash-cache.ts`). Rewriting a file in
 * place changes its ctime, which no user process can set back, so a tampered object is still found.
 * Reads (`get`, `stream`) always check the bytes they return.
 */
export class FileArtifactStore extends ArtifactStoreBase {
  readonly location: string;
  private readonly verified: FileHashCache;

  private constructor(readonly dir: string) {
    super();
    this.location = pathToFileURL(dir).href;
    this.verified = new FileHashCache(join(dir, "verified.json"));
  }

  /** Opens (creating nothing yet) the store in `dir` and removes what killed writers left there. */
  static async open(dir: string): Promise<FileArtifactStore> {
    const store = new FileArtifactStore(dir);
    await store.removeAbandoned();
    return store;
  }

  pathOf(hash: string): string {
    assertArtifactHash(hash);
    return join(this.dir, hash.slice(0, 2), hash);
  }

  /**
   * Content in memory whose object is already stored intact is not written again (no temp file,
   * fsync or link): most of what a cached run's gate, register and deploy steps store is exactly
   * what the last run stored.
   */
  override async put(data: Uint8Array | string): Promise<ArtifactRef> {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const hash = createHash("sha256").update(bytes).digest("hex");
    const stored = await readFile(this.pathOf(hash)).catch(() => undefined);
    if (stored?.equals(bytes)) return { hash, size: bytes.length };
    return super.put(bytes);
  }

  async putStream(source: AsyncIterable<Uint8Array | string>): Promise<ArtifactRef> {
    const incoming = join(this.dir, "incoming");
    await mkdir(incoming, { recursive: true });
    const temp = join(incoming, ownedName(TEMP_PREFIX));
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
    const shard = join(this.dir, hash.slice(0, 2));
    await mkdir(shard, { recursive: true });
    try {
      await publish(temp, this.pathOf(hash), hash);
    } finally {
      await rm(temp, { force: true });
    }
    await syncDir(shard);
    return { hash, size };
  }

  async has(hash: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(hash))).isFile();
    } catch (error) {
      if (error instanceof ArtifactError) throw error;
      return false;
    }
  }

  async get(hash: string): Promise<Buffer> {
    const path = this.pathOf(hash);
    const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw missing(hash, path, error);
    });
    const actual = createHash("sha256").update(data).digest("hex");
    if (actual !== hash) throw corruptArtifact(hash, path, actual);
    return data;
  }

  async *stream(hash: string): AsyncIterable<Buffer> {
    const path = this.pathOf(hash);
    const hasher = createHash("sha256");
    try {
      for await (const chunk of createReadStream(path)) {
        hasher.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    } catch (error) {
      throw missing(hash, path, error as NodeJS.ErrnoException);
    }
    const actual = hasher.digest("hex");
    if (actual !== hash) throw corruptArtifact(hash, path, actual);
  }

  override async verify(hash: string): Promise<void> {
    const path = this.pathOf(hash);
    let actual: string;
    try {
      actual = await this.verified.hash(path);
    } catch (error) {
      throw missing(hash, path, error as NodeJS.ErrnoException);
    }
    if (actual !== hash) throw corruptArtifact(hash, path, actual);
  }

  override async close(): Promise<void> {
    await this.verified.save();
  }

  /** Checks the file and returns its path, for readers that want a path. */
  async verifiedPath(hash: string): Promise<string> {
    await this.verify(hash);
    return this.pathOf(hash);
  }

  async list(): Promise<string[]> {
    const shards = await readdir(this.dir).catch(() => [] as string[]);
    const hashes: string[] = [];
    for (const shard of shards.filter((s) => /^[0-9a-f]{2}$/.test(s)).sort()) {
      for (const name of (await readdir(join(this.dir, shard))).sort()) if (isArtifactHash(name)) hashes.push(name);
    }
    return hashes;
  }

  async removeAbandoned(): Promise<number> {
    const incoming = join(this.dir, "incoming");
    const names = await readdir(incoming).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
      const path = join(incoming, name);
      const info = await stat(path).catch(() => null);
      if (!info) continue;
      if (ownerIsGone(name, TEMP_PREFIX) || Date.now() - info.mtimeMs >= ABANDONED_AFTER_MS) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

/**
 * Puts `temp` at `final` unless an intact object is already there (put-if-absent). An existing file
 * whose content does not match its name (damaged, tampered with) is replaced: writing is repair.
 */
async function publish(temp: string, final: string, hash: string): Promise<void> {
  try {
    await link(temp, final);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if ((await hashOfFile(final)) !== hash) await rename(temp, final);
      return;
    }
    // file systems without hard links: a rename is atomic too (and replaces same-named content)
    if (code === "EPERM" || code === "ENOTSUP" || code === "ENOSYS" || code === "EXDEV") await rename(temp, final);
    else throw error;
  }
}

async function hashOfFile(path: string): Promise<string | null> {
  const hasher = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hasher.digest("hex");
}

function missing(hash: string, path: string, error: NodeJS.ErrnoException): Error {
  if (error.code === "ENOENT") return new ArtifactError("missing", `artifact ${hash} is missing: no file ${path}`, hash, path);
  return error;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch {
    // some filesystems refuse fsync on a directory; the link is still atomic
  } finally {
    await handle.close();
  }
}
