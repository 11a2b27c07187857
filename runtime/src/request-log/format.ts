/**
 * The request log: what `mlops serve` records of its traffic and `mlops monitor` reads back.
 * One JSON object per line, one line per scored instance, in
 * `.mlops/requests/DEPLOYMENT.jsonl` (the `production` alias; a server of another alias writes
 * `DEPLOYMENT@ALIAS.jsonl`). Full files are renamed to `DEPLOYMENT.<UTC stamp>.jsonl` (the time
 * they were closed) and a new one is started. The format is documented in runtime/README.md.
 */
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export const REQUEST_LOG_FORMAT = 1;

/** One line of the log. Only `at` and `record` are required of writers other than `mlops serve`. */
export interface RequestLogEntry {
  /** ISO 8601 time the answer was sent. */
  at: string;
  /** The instance's input columns, as the client sent them (after the schema check). */
  record: Record<string, unknown>;
  /** Latency of the whole request in milliseconds (the same for every instance of a request). */
  latencyMs?: number;
  /** True when the instance passed the schema check but could not be scored. */
  error?: boolean;
  /** Why it could not be scored. */
  message?: string;
  /** Request id (the `x-request-id` header sent back), and the instance's 0-based index in it. */
  request?: string;
  instance?: number;
  deployment?: string;
  model?: string;
  version?: number;
  alias?: string;
  /** What was answered: `{label, probabilities}` for a classifier, `{value}` for a regression. */
  output?: Record<string, unknown>;
  /** The log format version (1). */
  v?: number;
}

/** The live log of a deployment's `alias` (the monitor reads `production`'s). */
export function requestLogPath(projectRoot: string, deployment: string, alias = "production"): string {
  return join(projectRoot, ".mlops", "requests", alias === "production" ? `${deployment}.jsonl` : `${deployment}@${alias}.jsonl`);
}

/** Where a full live log is moved when it is rotated at `closedAt`. */
export function rotatedPath(livePath: string, closedAt: Date): string {
  const stamp = closedAt.toISOString().replace(/[-:]/g, "").replace(".", "");
  return join(dirname(livePath), `${stem(livePath)}.${stamp}.jsonl`);
}

export interface RotatedSegment {
  path: string;
  /** When the segment was closed: every record in it is older. */
  closedAt: number;
}

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;

/** The rotated segments of a live log, oldest first. */
export async function rotatedSegments(livePath: string): Promise<RotatedSegment[]> {
  const prefix = `${stem(livePath)}.`;
  const names = await readdir(dirname(livePath)).catch(() => [] as string[]);
  const segments: RotatedSegment[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".jsonl")) continue;
    const match = STAMP.exec(name.slice(prefix.length, -".jsonl".length));
    if (!match) continue;
    const [, y, mo, d, h, mi, s, ms] = match.map(Number) as number[];
    segments.push({ path: join(dirname(livePath), name), closedAt: Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!) });
  }
  return segments.sort((a, b) => a.closedAt - b.closedAt || (a.path < b.path ? -1 : 1));
}

function stem(livePath: string): string {
  return basename(livePath, ".jsonl");
}
