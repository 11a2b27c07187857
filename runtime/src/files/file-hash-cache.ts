/**
 * Content hashes of files, remembered by their stat (size, modification and change times in
 * nanoseconds, inode, device) in a JSON file — data files in `.mlops/cache/file-hashes.json`, so a
 * run whose data did not change reads no data to know it; artifact objects in the file store's
 * `verified.json`, so a cached step does not re-read its outputs. A file modified less than two seconds before it was hashed is
 * not remembered (a write in the same clock tick could leave the stat unchanged; git's "racy clean"
 * rule), and any stat difference re-hashes it. The cache is local to the machine (stats are) and
 * only a shortcut: losing or corrupting it costs a re-hash, never a wrong answer beyond that rule.
 */
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { hashFile } from "./file-hash.js";

const RACY_NS = 2_000_000_000n;

interface Entry {
  stat: string;
  sha256: string;
}

export class FileHashCache {
  private entries: Record<string, Entry> | undefined;
  private dirty = false;

  constructor(private readonly path: string) {}

  /** The cache of a project (`<root>/.mlops/cache/file-hashes.json`). */
  static forProject(projectRoot: string): FileHashCache {
    return new FileHashCache(join(projectRoot, ".mlops", "cache", "file-hashes.json"));
  }

  /** sha256 (hex) of the file, from the cache when its stat is unchanged. */
  async hash(file: string): Promise<string> {
    const path = resolve(file);
    const entries = await this.load();
    const before = await stat(path, { bigint: true });
    const key = statKey(before);
    const known = entries[path];
    if (known && known.stat === key) return known.sha256;
    const sha256 = await hashFile(path);
    const after = await stat(path, { bigint: true });
    const settled = statKey(after) === key && BigInt(Date.now()) * 1_000_000n - after.mtimeNs > RACY_NS;
    if (settled) entries[path] = { stat: key, sha256 };
    else delete entries[path];
    this.dirty = true;
    return sha256;
  }

  /** Writes the cache if it changed (temp file + rename; a failure only loses the shortcut). */
  async save(): Promise<void> {
    if (!this.dirty || !this.entries) return;
    this.dirty = false;
    const temp = `${this.path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(temp, JSON.stringify(this.entries));
      await rename(temp, this.path);
    } catch {
      // a read-only project still runs; it re-hashes next time
    }
  }

  private async load(): Promise<Record<string, Entry>> {
    if (this.entries) return this.entries;
    try {
      const parsed = JSON.parse(await readFile(this.path, "utf8")) as unknown;
      this.entries = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, Entry>) : {};
    } catch {
      this.entries = {};
    }
    return this.entries;
  }
}

function statKey(s: { size: bigint; mtimeNs: bigint; ctimeNs: bigint; ino: bigint; dev: bigint }): string {
  return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}:${s.dev}`;
}
