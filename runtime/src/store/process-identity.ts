/**
 * Who is doing the work, precisely enough to tell from another process whether that worker is gone.
 * A pid alone is not enough: containers on one node share a hostname with host networking, and each
 * container numbers its processes from 1 in its own pid namespace. So the identity is host, pid
 * namespace and pid; "gone" is decided only when all three say so — otherwise only a lease says so.
 */
import { randomBytes } from "node:crypto";
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  host: string;
  /** The pid namespace (`/proc/self/ns/pid` link target) or "" where there is none. */
  namespace: string;
  pid: number;
}

let own: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  own ??= { host: safe(hostname()), namespace: safe(pidNamespace()), pid: process.pid };
  return own;
}

/** Parts never contain `/` (the separator of the text form). */
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9_.:[\]-]/g, "_");
}

/** `host/namespace/pid`, the form stored beside runs and in temp file names (no `/` in any part). */
export function formatIdentity(id: ProcessIdentity): string {
  return `${id.host}/${id.namespace}/${id.pid}`;
}

export function parseIdentity(text: string): ProcessIdentity | null {
  const parts = text.split("/");
  if (parts.length !== 3 || !/^\d+$/.test(parts[2]!)) return null;
  return { host: parts[0]!, namespace: parts[1]!, pid: Number(parts[2]) };
}

/** True only when `id` is a process of this host and pid namespace that no longer exists. */
export function isKnownDead(id: ProcessIdentity): boolean {
  const me = currentProcess();
  if (id.host !== me.host || id.namespace !== me.namespace || id.pid === me.pid) return false;
  try {
    process.kill(id.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function pidNamespace(): string {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return "";
  }
}

/** A temp file name that says whose it is: `PREFIXhost~namespace~pid~random`. */
export function ownedName(prefix: string): string {
  const me = currentProcess();
  return `${prefix}${me.host}~${me.namespace}~${me.pid}~${randomBytes(8).toString("hex")}`;
}

/** True when the temp file `name` (from `ownedName(prefix)`) belongs to a writer known to be dead. */
export function ownerIsGone(name: string, prefix: string): boolean {
  if (!name.startsWith(prefix)) return false;
  const parts = name.slice(prefix.length).split("~");
  if (parts.length !== 4 || !/^\d+$/.test(parts[2]!)) return false;
  return isKnownDead({ host: parts[0]!, namespace: parts[1]!, pid: Number(parts[2]) });
}
