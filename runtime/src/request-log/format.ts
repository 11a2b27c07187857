/**
 * The request log: what `mlops serve` records of its traffic and `mlops monitor` reads back.
 * One JSON object per line, one line per scored instance, in
 * `.mlops/requests/DEPLOYMENT.jsonl` (the `production` alias; a server of another alias writes
 * `DEPLOYMENT@ALIAS.jsonl`). A server given a writer name (each replica of a Deployment: its pod's
 * name) writes `DEPLOYMENT[@ALIAS]~WRITER.jsonl`, so replicas sharing one volume never append to
 * one file; the monitor reads every writer's files. Full files are renamed to
 * `<live name>.<UTC stamp>.jsonl` (the time they were closed) and a new one is started. The
 * format is documented in runtime/README.md.
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

/**
 * The live log of a deployment's `alias` (the monitor reads `production`'s), or of one `writer` of
 * it. A writer name keeps `[A-Za-z0-9_.-]` (anything else becomes `_`) and 100 characters.
 */
export function requestLogPath(projectRoot: string, deployment: string, alias = "production", writer?: string): string {
  const log = alias === "production" ? deployment : `${deployment}@${alias}`;
  const suffix = writer ? `~${writer.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 100)}` : "";
  return join(projectRoot, ".mlops", "requests", `${log}${suffix}.jsonl`);
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
  /** The name of the live file it was rotated from, without `.jsonl` (`api`, `api~pod-a`): its writer's. */
  live: string;
}

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;

/** The rotated segments of one writer's live log, oldest first (what its retention counts). */
export async function rotatedSegments(livePath: string): Promise<RotatedSegment[]> {
  const own = stem(livePath);
  return (await logFiles(livePath)).rotated.filter((segment) => segment.live === own);
}

/**
 * Every file of the log `livePath` belongs to, whichever writer wrote it: each writer's live file,
 * and every rotated segment (oldest first).
 */
export async function logFiles(livePath: string): Promise<{ live: string[]; rotated: RotatedSegment[] }> {
  const dir = dirname(livePath);
  const log = stem(livePath).replace(/~.*$/, "");
  const names = await readdir(dir).catch(() => [] as string[]);
  const live: string[] = [];
  const rotated: RotatedSegment[] = [];
  for (const name of names.sort()) {
    if (!name.startsWith(log) || !name.endsWith(".jsonl")) continue;
    const rest = name.slice(log.length, -".jsonl".length);
    const match = /^(~[A-Za-z0-9_.-]+?)?(?:\.(\d{8}T\d{9}Z))?$/.exec(rest);
    if (!match) continue;
    const [, writer = "", stamp] = match;
    if (stamp === undefined) live.push(join(dir, name));
    else rotated.push({ path: join(dir, name), closedAt: stampTime(stamp), live: `${log}${writer}` });
  }
  return { live, rotated: rotated.sort((a, b) => a.closedAt - b.closedAt || (a.path < b.path ? -1 : 1)) };
}

function stampTime(stamp: string): number {
  const [, y, mo, d, h, mi, s, ms] = STAMP.exec(stamp)!.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!);
}

function stem(livePath: string): string {
  return basename(livePath, ".jsonl");
}
