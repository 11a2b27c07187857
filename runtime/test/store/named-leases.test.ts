/**
 * Named leases in both metadata stores: one holder at a time among processes racing for it, the
 * holder named to the others, renewal and release by the holder's token only, and a holder that is
 * gone (killed on this host: at once; elsewhere: when its lease expires) blocking nobody.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import type { MetadataStore } from "../../src/store/metadata-store.js";
import { describeHolder } from "../../src/store/named-leases.js";
import { describeBackends } from "./support/backends.js";

const taker = fileURLToPath(new URL("./support/lease-taker.ts", import.meta.url));

interface Taker {
  child: ChildProcess;
  /** What it printed once it had asked for the lease. */
  asked: Promise<{ pid: number; acquired: boolean }>;
  exited: Promise<void>;
}

/** A process asking for lease `name` once (then holding it alive until its stdin closes, or dying: `die`). */
function take(url: string, name: string, then?: "die"): Taker {
  const child = spawn(process.execPath, ["--import", "tsx", taker, url, name, ...(then ? [then] : [])], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  const asked = new Promise<{ pid: number; acquired: boolean }>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes("\n")) resolve(JSON.parse(out) as { pid: number; acquired: boolean });
    });
    child.on("exit", (code, signal) => reject(new Error(`lease taker exited (${code ?? signal}) before asking: ${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, asked, exited };
}

describeBackends("named leases", (backend) => {
  const stores: MetadataStore[] = [];
  async function open(url: string, options: { user: string; start: string; leaseMs?: number }): Promise<MetadataStore> {
    let t = Date.parse(options.start);
    const store = await backend.open(url, { user: options.user, now: () => new Date((t += 1000)), leaseMs: options.leaseMs ?? 10_000 });
    stores.push(store);
    return store;
  }
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it("has one holder at a time, names it to the others, and is free again when released", async () => {
    const url = await backend.fresh();
    const alice = await open(url, { user: "alice", start: "2026-01-01T00:00:00Z" });
    const bob = await open(url, { user: "bob", start: "2026-01-01T00:00:02Z" });
    const first = await alice.acquireLease("monitor:drift");
    if (!first.acquired) throw new Error("alice did not get the free lease");
    const second = await bob.acquireLease("monitor:drift");
    expect(second).toMatchObject({
      acquired: false,
      holder: { name: "monitor:drift", user: "alice", acquiredAt: "2026-01-01T00:00:01.000Z", expiresAt: "2026-01-01T00:00:11.000Z" },
    });
    if (second.acquired) return;
    expect(describeHolder(second.holder)).toMatch(
      new RegExp(`^pid ${process.pid} on \\S+ \\(user alice\\) since 2026-01-01 00:00:01 UTC, lease until 00:00:11 UTC unless renewed$`),
    );
    expect((await bob.acquireLease("monitor:other")).acquired).toBe(true);
    expect(await bob.renewLease("monitor:drift", "not-the-token")).toBe(false);
    await bob.releaseLease("monitor:drift", "not-the-token");
    expect((await bob.acquireLease("monitor:drift")).acquired).toBe(false);
    await alice.releaseLease("monitor:drift", first.token);
    expect((await bob.acquireLease("monitor:drift")).acquired).toBe(true);
  });

  it("is taken over when its lease expires (a holder killed on another machine), not while it is renewed", async () => {
    const url = await backend.fresh();
    const holder = await open(url, { user: "alice", start: "2026-01-01T00:00:00Z" });
    const taken = await holder.acquireLease("monitor:drift"); // until ~00:00:11
    if (!taken.acquired) throw new Error("not acquired");
    const early = await open(url, { user: "bob", start: "2026-01-01T00:00:08Z" });
    expect((await early.acquireLease("monitor:drift")).acquired).toBe(false);
    expect(await holder.renewLease("monitor:drift", taken.token)).toBe(true); // now until ~00:00:12
    const stillHeld = await open(url, { user: "bob", start: "2026-01-01T00:00:10Z" });
    expect((await stillHeld.acquireLease("monitor:drift")).acquired).toBe(false);
    const late = await open(url, { user: "bob", start: "2026-01-01T00:01:00Z" });
    expect((await late.acquireLease("monitor:drift")).acquired).toBe(true);
    expect(await holder.renewLease("monitor:drift", taken.token)).toBe(false);
  });

  it("goes to exactly one of several processes asking at once, and at once to another when its holder is killed", async () => {
    const url = await backend.fresh();
    await open(url, { user: "setup", start: "2026-01-01T00:00:00Z" });
    const takers = ["a", "b", "c", "d"].map(() => take(url, "monitor:race"));
    try {
      const outcomes = await Promise.all(takers.map((t) => t.asked));
      expect(outcomes.filter((o) => o.acquired)).toHaveLength(1);
    } finally {
      for (const t of takers) t.child.stdin!.end();
      await Promise.all(takers.map((t) => t.exited));
    }

    const killed = take(url, "monitor:killed", "die");
    expect((await killed.asked).acquired).toBe(true);
    await killed.exited;
    const next = await backend.open(url, { user: "bob" });
    stores.push(next);
    expect((await next.acquireLease("monitor:killed")).acquired).toBe(true);
  });
});
