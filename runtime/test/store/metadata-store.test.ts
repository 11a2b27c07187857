import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { MetadataStore } from "../../src/store/metadata-store.js";
import { SqliteMetadataStore } from "../../src/store/sqlite/sqlite-metadata-store.js";
import { describeBackends } from "./support/backends.js";

const run = promisify(execFile);
const child = (name: string) => fileURLToPath(new URL(`./support/${name}`, import.meta.url));
const tsx = (name: string, ...args: string[]) => run(process.execPath, ["--import", "tsx", child(name), ...args]);

describe("SQLite specifics", () => {
  it("uses WAL by default, the rollback journal on request, and records the schema version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-meta-"));
    try {
      const wal = await SqliteMetadataStore.open(join(dir, "a.db"));
      expect(wal.db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(wal.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get()).toEqual({ v: 5 });
      const unfinished = "SELECT run_id, step_id FROM step_executions WHERE status = 'running'";
      expect(JSON.stringify(wal.db.prepare(`EXPLAIN QUERY PLAN ${unfinished}`).all())).toContain("step_executions_running");
      await wal.close();
      const journal = await SqliteMetadataStore.open(join(dir, "b.db"), { journal: "delete" });
      expect(journal.db.pragma("journal_mode", { simple: true })).toBe("delete");
      await journal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeBackends("metadata store", (backend) => {
  const stores: MetadataStore[] = [];
  async function open(url?: string, options: { user?: string; start?: string; leaseMs?: number } = {}): Promise<MetadataStore> {
    let t = Date.parse(options.start ?? "2026-01-01T00:00:00Z");
    const store = await backend.open(url ?? (await backend.fresh()), {
      user: options.user ?? "alice",
      now: () => new Date((t += 1000)),
      ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    });
    stores.push(store);
    return store;
  }
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it("records runs, step executions with timings, inputs, outputs and metrics", async () => {
    const store = await open();
    const r = await store.startRun({ planHash: "plan1", pipeline: "fraud", env: "prod" });
    expect(r).toMatchObject({ planHash: "plan1", pipeline: "fraud", env: "prod", user: "alice", status: "running", pid: process.pid });
    await store.startStep(r.id, "ingest.tx", { cacheKey: "k-ingest" });
    await store.finishStep(r.id, "ingest.tx", { status: "succeeded", outputs: { data: "h1" } });
    await store.startStep(r.id, "train.clf", { cacheKey: "k-train", inputs: { train: "h1" } });
    const step = await store.finishStep(r.id, "train.clf", { status: "failed", error: "diverged" });
    expect(step).toMatchObject({ status: "failed", error: "diverged", cacheHit: false, durationMs: 1000, inputs: { train: "h1" } });
    await store.recordMetrics(r.id, "evaluate.clf", { auc: 0.91, f1: 0.5, nan: Number.NaN });
    await store.finishRun(r.id, "failed", "1 step failed");
    const details = (await store.showRun(r.id))!;
    expect(details.status).toBe("failed");
    expect(details.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["ingest.tx", "succeeded"],
      ["train.clf", "failed"],
    ]);
    expect(details.steps[0]!.outputs).toEqual({ data: "h1" });
    expect(details.metrics).toEqual([
      { stepId: "evaluate.clf", name: "auc", value: 0.91 },
      { stepId: "evaluate.clf", name: "f1", value: 0.5 },
      { stepId: "evaluate.clf", name: "nan", value: null },
    ]);
    const r2 = await store.startRun({ planHash: "plan2" });
    expect((await store.listRuns()).map((x) => x.id)).toEqual([r2.id, r.id]);
    expect(await store.showRun("nope")).toBeNull();
    expect((await store.showRun(r2.id.slice(0, 20)))?.id).toBe(r2.id);
  });

  it("lists the steps whose id starts with a prefix across runs, newest first, however many other runs came between", async () => {
    const store = await open();
    const checkRuns: string[] = [];
    for (let i = 0; i < 3; i++) {
      const check = await store.startRun({ planHash: "p" });
      await store.startStep(check.id, "monitor.watch");
      await store.finishStep(check.id, "monitor.watch", { status: i === 2 ? "failed" : "succeeded", outputs: { report: `r${i}` } });
      await store.finishRun(check.id, i === 2 ? "failed" : "succeeded");
      checkRuns.push(check.id);
      const training = await store.startRun({ planHash: "p" });
      await store.startStep(training.id, "train.clf");
      await store.finishStep(training.id, "train.clf", { status: "succeeded" });
      await store.startStep(training.id, "monitorish.x");
      await store.finishStep(training.id, "monitorish.x", { status: "succeeded" });
      await store.finishRun(training.id, "succeeded");
    }
    const checks = await store.listSteps({ prefix: "monitor." });
    expect(checks.map((s) => [s.runId, s.stepId, s.status, s.outputs.report])).toEqual([
      [checkRuns[2], "monitor.watch", "failed", "r2"],
      [checkRuns[1], "monitor.watch", "succeeded", "r1"],
      [checkRuns[0], "monitor.watch", "succeeded", "r0"],
    ]);
    expect((await store.listSteps({ prefix: "monitor.", limit: 2 })).map((s) => s.runId)).toEqual([checkRuns[2], checkRuns[1]]);
    expect(await store.listSteps({ prefix: "deploy." })).toEqual([]);
  });

  it("keeps a cache index from step cache keys to output artifacts", async () => {
    const store = await open();
    expect(await store.getCacheEntry("k1")).toBeNull();
    await store.putCacheEntry("k1", "split.clf", { train: "a", test: "b" }, "run-1");
    expect(await store.getCacheEntry("k1")).toMatchObject({ stepId: "split.clf", outputs: { train: "a", test: "b" }, runId: "run-1" });
    await store.deleteCacheEntry("k1");
    expect(await store.getCacheEntry("k1")).toBeNull();
  });

  it("walks lineage upstream from a model to the plan and data", async () => {
    const store = await open();
    await store.recordLineage(
      [
        { from: { kind: "plan", id: "P" }, to: { kind: "model", id: "M" } },
        { from: { kind: "data", id: "D" }, to: { kind: "features", id: "F" } },
        { from: { kind: "features", id: "F" }, to: { kind: "model", id: "M" } },
        { from: { kind: "data", id: "other" }, to: { kind: "model", id: "M2" } },
      ],
      "run-1",
    );
    const edges = (await store.lineageOf({ kind: "model", id: "M" })).map((e) => `${e.from.kind}:${e.from.id}->${e.to.kind}:${e.to.id}`);
    expect(edges.sort()).toEqual(["data:D->features:F", "features:F->model:M", "plan:P->model:M"]);
  });

  it("marks a run whose process was killed as interrupted at once (same host), without waiting for its lease", async () => {
    const url = await backend.fresh();
    await open(url);
    const { stdout } = await tsx("crashing-run.ts", url).catch((e: { stdout: string }) => e);
    const runId = stdout.trim();
    expect(runId).not.toBe("");
    const store = await open(url, { start: "2026-01-01T00:00:00Z" });
    expect(await store.markInterrupted()).toEqual([runId]);
    const details = (await store.showRun(runId))!;
    expect(details.status).toBe("interrupted");
    expect(details.error).toBe("the process running it stopped before it finished");
    expect(details.steps[0]!.status).toBe("interrupted");
    expect(await store.markInterrupted()).toEqual([]);
  });

  it("marks a run interrupted when its lease runs out (a killed pod on another host), not while it is renewed", async () => {
    const url = await backend.fresh();
    const worker = await open(url, { start: "2026-01-01T00:00:00Z", leaseMs: 10_000 });
    const r = await worker.startRun({ planHash: "p" });
    await worker.startStep(r.id, "train.m");
    const early = await open(url, { start: "2026-01-01T00:00:05Z" });
    expect(await early.markInterrupted()).toEqual([]);
    await worker.heartbeat(r.id); // the worker's clock is now ~00:00:04; its lease runs to ~00:00:14
    const stillAlive = await open(url, { start: "2026-01-01T00:00:11Z" });
    expect(await stillAlive.markInterrupted()).toEqual([]);
    const late = await open(url, { start: "2026-01-01T00:01:00Z" });
    expect(await late.markInterrupted()).toEqual([r.id]);
    expect((await late.showRun(r.id))!.steps[0]!.status).toBe("interrupted");
  });

  it("joins one run from the processes of an orchestrated DAG run and ends it when its steps are done", async () => {
    const url = await backend.fresh();
    const expected = ["ingest.a", "train.m"];
    const first = await open(url);
    const a = await first.startRun({ planHash: "p", pipeline: "fraud", id: "scheduled__2026-01-01T00:00:00+00:00" });
    expect(a.id).toBe("scheduled__2026-01-01T00:00:00+00:00");
    await first.startStep(a.id, "ingest.a");
    await first.finishStep(a.id, "ingest.a", { status: "succeeded" });
    expect((await first.settleRun(a.id, expected)).status).toBe("running");
    // between tasks the run holds no lease: it is waiting for the orchestrator, not abandoned
    const later = await open(url, { start: "2026-01-02T00:00:00Z" });
    expect(await later.markInterrupted()).toEqual([]);
    const second = await open(url);
    const b = await second.startRun({ planHash: "p", pipeline: "fraud", id: a.id });
    expect(b.status).toBe("running");
    await second.startStep(b.id, "train.m");
    await second.finishStep(b.id, "train.m", { status: "cached", cacheHit: true });
    expect(await second.settleRun(b.id, expected)).toMatchObject({ status: "succeeded", error: null });
    expect((await second.listRuns()).map((r) => r.id)).toEqual([a.id]);
    expect((await second.showRun(a.id))!.steps.map((s) => s.stepId)).toEqual(expected);
    await expect(second.startRun({ planHash: "other", id: a.id })).rejects.toThrow(/belongs to another plan/);
  });

  it("a failed step fails the joined run; a retry of the task joins it again", async () => {
    const store = await open();
    const r = await store.startRun({ planHash: "p", id: "job-7" });
    await store.startStep(r.id, "train.m");
    await store.finishStep(r.id, "train.m", { status: "failed", error: "diverged\nat epoch 3" });
    expect(await store.settleRun(r.id, ["train.m"])).toMatchObject({ status: "failed", error: "train.m: diverged" });
    await store.startRun({ planHash: "p", id: "job-7" });
    await store.startStep(r.id, "train.m");
    await store.finishStep(r.id, "train.m", { status: "succeeded" });
    expect((await store.settleRun(r.id, ["train.m"])).status).toBe("succeeded");
  });

  it("gives distinct, gap-free version numbers to processes registering at the same time", async () => {
    const url = await backend.fresh();
    await open(url);
    const results = await Promise.all(["a", "b", "c", "d"].map((tag) => tsx("register-many.ts", url, tag, "50")));
    const versions = results.flatMap((r) => JSON.parse(r.stdout) as number[]).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
