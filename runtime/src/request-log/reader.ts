/** Reads a deployment's request log back (the monitor's current traffic): every writer's live file and rotated segments. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { logFiles, type RequestLogEntry } from "./format.js";

/**
 * Entries with `at` within `windowMs` before `now` from every file of the log `livePath` belongs
 * to (all writers), oldest segment first, then the live files; undefined when there is no log at
 * all. Lines that are not JSON objects with a valid `at` are skipped (a line cut by a crash,
 * another tool's noise).
 */
export async function readRequestLog(livePath: string, windowMs: number, now: number): Promise<RequestLogEntry[] | undefined> {
  const since = now - windowMs;
  const files = await logFiles(livePath);
  const segments = files.rotated.filter((s) => s.closedAt >= since).map((s) => s.path);
  const entries: RequestLogEntry[] = [];
  let found = false;
  for (const path of segments) found = (await readEntries(path, since, now, entries)) || found;
  for (const path of files.live) {
    // a live file not written since the window began (a replica that is gone) holds nothing in it
    const modified = await stat(path).then(
      (info) => info.mtimeMs,
      () => undefined,
    );
    if (modified === undefined) continue;
    found = true;
    if (modified >= since) await readEntries(path, since, now, entries);
  }
  return found ? entries : undefined;
}

/** False when the file cannot be opened. */
async function readEntries(path: string, since: number, now: number, into: RequestLogEntry[]): Promise<boolean> {
  const stream = createReadStream(path, { encoding: "utf8" });
  const opened = await new Promise<boolean>((resolve) => {
    stream.once("open", () => resolve(true));
    stream.once("error", () => resolve(false));
  });
  if (!opened) return false;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      let entry: RequestLogEntry;
      try {
        entry = JSON.parse(line) as RequestLogEntry;
      } catch {
        continue;
      }
      if (typeof entry !== "object" || entry === null) continue;
      const at = Date.parse(entry.at);
      if (!Number.isFinite(at) || at < since || at > now) continue;
      into.push(entry);
    }
  } catch {
    // the file went away or became unreadable mid-way: keep what was read
  } finally {
    lines.close();
    stream.destroy();
  }
  return true;
}
