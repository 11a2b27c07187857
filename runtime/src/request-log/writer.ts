/**
 * Appends request-log entries off the request path: `append` encodes the entry as one JSON line
 * into a byte chunk outside the JavaScript heap (O(1), never waits for the disk); every
 * `flushIntervalMs` the chunks filled so far are written in one `writev`. Queued entries are
 * bytes, not objects, so the young-generation garbage collector never copies them while they wait
 * (holding ~200 ms of traffic as objects made every scavenge under load copy them: 2–9 ms pauses).
 * The queue is bounded: when it is full (a slow or stuck disk), new entries are dropped and
 * counted, so serving never stalls or grows without bound. The live file is rotated when it passes
 * `rotateBytes` or its first entry is older than `rotateMs`; `keepSegments` rotated files are kept.
 */
import { mkdir, open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { rotatedPath, rotatedSegments, type RequestLogEntry } from "./format.js";

export interface RequestLogWriterOptions {
  /** Entries waiting to be written before new ones are dropped (default 50,000). */
  maxQueue?: number;
  /** Rotate the live file once it is this large (default 64 MiB). */
  rotateBytes?: number;
  /** Rotate the live file once its first entry is this old (default 24 h). */
  rotateMs?: number;
  /** Rotated files to keep; older ones are deleted (default 14). */
  keepSegments?: number;
  /** How long entries may wait in memory before they are written, in ms (default 200): one write per interval, not per request. */
  flushIntervalMs?: number;
  /** Called after each write with the number of entries written. */
  onWritten?: (entries: number) => void;
  /** Called when entries are dropped (queue full) with how many in this call. */
  onDropped?: (entries: number) => void;
  /** Called when the disk refuses a write (the entries of that write are counted as dropped). */
  onError?: (error: Error) => void;
  now?: () => number;
}

/** Size of one chunk of encoded lines (a line longer than a chunk gets a chunk of its own). */
const CHUNK_BYTES = 64 * 1024;

/** Encoded lines waiting for the disk. */
interface Chunk {
  bytes: Buffer;
  /** Bytes used. */
  length: number;
  entries: number;
  /** `at` of the chunk's first entry, in ms (the live file's age for rotation). */
  firstAt: number;
}

export class RequestLogWriter {
  /** Full chunks, oldest first, then the one being filled. */
  private chunks: Chunk[] = [];
  private filling: Chunk | null = null;
  /** Entries in `chunks` and `filling`. */
  private pending = 0;
  /** Entries taken from the queue and being written (they count against the bound). */
  private writing = 0;
  private handle: FileHandle | null = null;
  private size = 0;
  private firstEntryAt: number | null = null;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private droppedCount = 0;
  private writtenCount = 0;
  private readonly maxQueue: number;
  private readonly rotateBytes: number;
  private readonly rotateMs: number;
  private readonly keepSegments: number;
  private readonly now: () => number;

  constructor(
    readonly path: string,
    private readonly options: RequestLogWriterOptions = {},
  ) {
    this.maxQueue = options.maxQueue ?? 50_000;
    this.rotateBytes = options.rotateBytes ?? 64 * 1024 * 1024;
    this.rotateMs = options.rotateMs ?? 24 * 3_600_000;
    this.keepSegments = options.keepSegments ?? 14;
    this.now = options.now ?? Date.now;
  }

  /** Entries dropped so far (queue full or write failed). */
  get dropped(): number {
    return this.droppedCount;
  }

  get written(): number {
    return this.writtenCount;
  }

  get queued(): number {
    return this.pending + this.writing;
  }

  /** Queues one entry; false when it was dropped. */
  append(entry: RequestLogEntry): boolean {
    if (this.closed || this.pending + this.writing >= this.maxQueue) {
      this.drop(1);
      return false;
    }
    this.encode(`${JSON.stringify(entry)}\n`, entry.at);
    if (this.loop === null && this.timer === null) this.timer = setTimeout(() => this.flush(), this.options.flushIntervalMs ?? 200);
    return true;
  }

  private encode(line: string, at: string): void {
    const worst = line.length * 3; // UTF-8 bytes of one UTF-16 code unit: at most 3
    let chunk = this.filling;
    if (chunk === null || chunk.bytes.length - chunk.length < worst) {
      if (chunk !== null) this.chunks.push(chunk);
      chunk = { bytes: Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, worst)), length: 0, entries: 0, firstAt: Date.parse(at) };
      this.filling = chunk;
    }
    chunk.length += chunk.bytes.write(line, chunk.length, "utf8");
    chunk.entries++;
    this.pending++;
  }

  /** Every queued chunk, the one being filled included; the queue is then empty. */
  private takeChunks(): Chunk[] {
    const taken = this.chunks;
    if (this.filling !== null) taken.push(this.filling);
    this.chunks = [];
    this.filling = null;
    this.pending = 0;
    return taken;
  }

  private flush(): void {
    this.timer = null;
    if (this.loop === null && this.pending > 0) this.loop = this.run();
  }

  /** Writes what is queued (waiting at most `timeoutMs`), then closes the file. */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.flush();
    }
    if (this.loop) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([this.loop, timeout]);
      clearTimeout(timer);
    }
    if (this.pending > 0) this.drop(this.takeChunks().reduce((n, chunk) => n + chunk.entries, 0));
    await this.loop?.catch(() => {});
    await this.handle?.close().catch(() => {});
    this.handle = null;
  }

  private drop(count: number): void {
    this.droppedCount += count;
    this.options.onDropped?.(count);
  }

  /** Writes what is queued until the queue is empty (entries queued meanwhile go in the next write). */
  private async run(): Promise<void> {
    try {
      while (this.pending > 0) {
        const chunks = this.takeChunks();
        this.writing = chunks.reduce((n, chunk) => n + chunk.entries, 0);
        await this.writeChunks(chunks, this.writing);
        this.writing = 0;
      }
    } finally {
      this.loop = null;
    }
  }

  private async writeChunks(chunks: Chunk[], entries: number): Promise<void> {
    try {
      if (this.handle === null) await this.openLive();
      else if (this.dueForRotation()) await this.rotate();
      this.size += await writeAll(
        this.handle!,
        chunks.map((chunk) => chunk.bytes.subarray(0, chunk.length)),
      );
      this.firstEntryAt ??= chunks[0]!.firstAt;
      this.writtenCount += entries;
      this.options.onWritten?.(entries);
    } catch (error) {
      this.drop(entries);
      this.options.onError?.(error as Error);
      await this.handle?.close().catch(() => {});
      this.handle = null;
    }
  }

  private dueForRotation(): boolean {
    if (this.size >= this.rotateBytes) return true;
    return this.firstEntryAt !== null && this.now() - this.firstEntryAt >= this.rotateMs;
  }

  private async openLive(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const existing = await stat(this.path).catch(() => null);
    if (existing && !existing.isFile()) throw new Error(`${this.path} is not a regular file`);
    this.size = existing?.size ?? 0;
    this.firstEntryAt = existing && existing.size > 0 ? await firstEntryTime(this.path) : null;
    this.handle = await open(this.path, "a", 0o644);
    if (this.dueForRotation()) await this.rotate();
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    await rename(this.path, rotatedPath(this.path, new Date(this.now())));
    const segments = await rotatedSegments(this.path);
    for (const old of segments.slice(0, Math.max(0, segments.length - this.keepSegments))) await rm(old.path, { force: true });
    this.handle = await open(this.path, "a", 0o644);
    this.size = 0;
    this.firstEntryAt = null;
  }
}

/** Appends every byte of `buffers` (a `writev` may write less than asked); the number of bytes. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<number> {
  let total = 0;
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest);
    if (bytesWritten === 0) throw new Error("the disk accepted no bytes");
    total += bytesWritten;
    rest = afterBytes(rest, bytesWritten);
  }
  return total;
}

function afterBytes(buffers: Buffer[], written: number): Buffer[] {
  let skip = written;
  let i = 0;
  while (i < buffers.length && skip >= buffers[i]!.length) skip -= buffers[i++]!.length;
  if (i === buffers.length) return [];
  return [buffers[i]!.subarray(skip), ...buffers.slice(i + 1)];
}

/** The `at` of the first line of an existing log (its age for rotation); now when unreadable. */
async function firstEntryTime(path: string): Promise<number | null> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const line = buffer.subarray(0, bytesRead).toString("utf8").split("\n", 1)[0] ?? "";
    const at = Date.parse((JSON.parse(line) as { at?: string }).at ?? "");
    return Number.isFinite(at) ? at : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
