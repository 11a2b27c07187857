/**
 * How runs are identified and how a run whose worker died is told from one still going — the rules
 * both metadata stores apply, so they agree.
 *
 * A process working on a run holds a lease on it and on each step it runs (`owner` = its process
 * identity, `lease_expires_at`), renewed by `heartbeat` every third of the lease. A `running` run
 * or step is abandoned when its lease has expired (any host: a killed pod) or when its owner is a
 * process of this host and pid namespace that no longer exists (at once, without waiting). A run
 * joined by an orchestrator (`--run-id`) between two of its steps holds no lease: it is waiting,
 * not abandoned.
 */
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";
import { isKnownDead, parseIdentity } from "./process-identity.js";
import type { RunStatus, StepStatus } from "./metadata-store.js";

export const DEFAULT_LEASE_MS = 60_000;
export const INTERRUPTED_MESSAGE = "the process running it stopped before it finished";

/** `20260101-120000-a1b2c3`: sortable by start time, unique enough across machines. */
export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}-${randomBytes(3).toString("hex")}`;
}

/** An orchestrator's run id (Airflow `scheduled__2026-01-01T00:00:00+00:00`, a Job name): printable, bounded. */
export function runIdProblem(id: string): string | null {
  if (id.length === 0 || id.length > 250) return "a run id has 1 to 250 characters";
  if (/[\p{Cc}\s]/u.test(id)) return "a run id has no spaces or control characters";
  return null;
}

export function isAbandoned(owner: string | null, leaseExpiresAt: string | null, now: string): boolean {
  const identity = owner ? parseIdentity(owner) : null;
  if (identity && isKnownDead(identity)) return true;
  return leaseExpiresAt !== null && leaseExpiresAt < now;
}

export interface SettleInput {
  steps: Array<{ stepId: string; status: StepStatus; error: string | null; live: boolean }>;
  /** The steps the run's group has (its DAG), all of which must succeed for the run to. */
  expected: string[];
}

/**
 * The status of an orchestrated run after one of its processes finished its part: still `running`
 * while another process works on it or steps remain (waiting for the orchestrator), `failed` when
 * a step failed, `succeeded` when every expected step succeeded or was cached.
 */
export function settledStatus(input: SettleInput): { status: RunStatus; error: string | null; waiting: boolean } {
  if (input.steps.some((s) => s.status === "running" && s.live)) return { status: "running", error: null, waiting: false };
  const failed = input.steps.find((s) => s.status === "failed");
  if (failed) return { status: "failed", error: `${failed.stepId}: ${(failed.error ?? "failed").split("\n")[0]}`, waiting: false };
  const done = new Set(input.steps.filter((s) => s.status === "succeeded" || s.status === "cached").map((s) => s.stepId));
  if (input.expected.every((id) => done.has(id))) return { status: "succeeded", error: null, waiting: false };
  return { status: "running", error: null, waiting: true };
}

export function leaseUntil(now: Date, leaseMs: number): string {
  return new Date(now.getTime() + leaseMs).toISOString();
}

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}
