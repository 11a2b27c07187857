/**
 * Named leases: one holder at a time for a piece of work that must not run twice at once — the
 * check of one monitor (`monitor:NAME`) — across processes and machines sharing a metadata store.
 *
 * A lease has a holder (process identity, user, since when), a random token that only its holder
 * knows, and an expiry the holder pushes forward while it works (`renewLease`). It is free again
 * when released, when its expiry has passed (a holder killed on another machine), or at once when
 * its holder is a process of this host and pid namespace that no longer exists — the same rules as
 * a run's lease (`run-leases.ts`), so a killed holder blocks nobody for long.
 */
import { randomBytes } from "node:crypto";
import { parseIdentity } from "./process-identity.js";
import { isAbandoned } from "./run-leases.js";

export interface LeaseHolder {
  name: string;
  /** `host/namespace/pid` of the process holding it. */
  owner: string;
  user: string;
  acquiredAt: string;
  expiresAt: string;
}

export type LeaseResult = { acquired: true; token: string } | { acquired: false; holder: LeaseHolder };

export function newLeaseToken(): string {
  return randomBytes(12).toString("hex");
}

/** Whether the lease `held` (null: none) may be taken at `now`. */
export function leaseIsFree(held: LeaseHolder | null, now: string): boolean {
  return held === null || isAbandoned(held.owner, held.expiresAt, now);
}

/** `pid 4242 on build-7 (user alice) since 2026-12-05 14:35:02 UTC, lease until 14:36:02 UTC` */
export function describeHolder(holder: LeaseHolder): string {
  const identity = parseIdentity(holder.owner);
  const who = identity ? `pid ${identity.pid} on ${identity.host}` : holder.owner;
  const since = `${holder.acquiredAt.replace("T", " ").slice(0, 19)} UTC`;
  return `${who} (user ${holder.user}) since ${since}, lease until ${holder.expiresAt.slice(11, 19)} UTC unless renewed`;
}
