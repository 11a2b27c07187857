/**
 * Content on its way to S3, held until its hash (the object's key) is known: in memory up to a
 * limit, then in a temp file named for its writer, which `removeAbandonedSpools` deletes once
 * that writer is known dead (or the file has not been touched for 15 minutes).
 */
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, rm, stat, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { ownedName, ownerIsGone } from "../process-identity.js";

const SPOOL_DIR = join(tmpdir(), "mlops-s3-spool");
const SPOOL_PREFIX = "spool-";
const ABANDONED_AFTER_MS = 15 * 60 * 1000;

export class Spool {
  size = 0;
  private chunks: Buffer[] = [];
  private file: { path: string; handle: FileHandle } | undefined;

  constructor(private readonly memoryLimit: number) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.size += bytes.length;
    if (!this.file && this.size <= this.memoryLimit) {
      this.chunks.push(Buffer.from(bytes));
      return;
    }
    if (!this.file) {
      await mkdir(SPOOL_DIR, { recursive: true });
      const path = join(SPOOL_DIR, ownedName(SPOOL_PREFIX));
      this.file = { path, handle: await open(path, "wx", 0o600) };
      for (const chunk of this.chunks) await this.file.handle.write(chunk);
      this.chunks = [];
    }
    await this.file.handle.write(bytes);
  }

  /** The content, when it stayed in memory (at most the limit). */
  buffer(): Buffer {
    if (this.file) throw new Error("the spooled content is in a file: use stream()");
    return Buffer.concat(this.chunks);
  }

  stream(): Readable {
    if (!this.file) throw new Error("the spooled content is in memory: use buffer()");
    return createReadStream(this.file.path);
  }

  async discard(): Promise<void> {
    this.chunks = [];
    if (!this.file) return;
    await this.file.handle.close().catch(() => {});
    await rm(this.file.path, { force: true });
    this.file = undefined;
  }
}

export async function removeAbandonedSpools(): Promise<number> {
  const names = await readdir(SPOOL_DIR).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names.filter((n) => n.startsWith(SPOOL_PREFIX))) {
    const path = join(SPOOL_DIR, name);
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    if (ownerIsGone(name, SPOOL_PREFIX) || Date.now() - info.mtimeMs >= ABANDONED_AFTER_MS) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
