/**
 * Traffic a monitor reads: `.mlops/requests/<deployment>.jsonl`, one scored record per line:
 * `{"at": ISO time, "record": {column: value, ...}, "latencyMs": number?, "error": bool?}`.
 * Serving appends to it; tests and other tools may write it too.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface RequestLogEntry {
  at: string;
  record: Record<string, unknown>;
  latencyMs?: number;
  error?: boolean;
}

export function requestLogPath(projectRoot: string, deployment: string): string {
  return join(projectRoot, ".mlops", "requests", `${deployment}.jsonl`);
}

/** Entries within `windowMs` before `now`; undefined when there is no log. */
export async function readRequestLog(path: string, windowMs: number, now: number): Promise<RequestLogEntry[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const entries: RequestLogEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let entry: RequestLogEntry;
    try {
      entry = JSON.parse(line) as RequestLogEntry;
    } catch {
      continue;
    }
    const at = Date.parse(entry.at);
    if (!Number.isFinite(at) || at < now - windowMs || at > now) continue;
    entries.push(entry);
  }
  return entries;
}
