import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteMetadataStore } from "../../src/store/sqlite/sqlite-metadata-store.js";

const run = promisify(execFile);
const dirs: string[] = [];
const stores: SqliteMetadataStore[] = [];
function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-meta-"));
  dirs.push(dir);
  return join(dir, ".mlops", "metadata.db");
}
async function open(path = dbPath(), user = "alice"): Promise<SqliteMetadataStore> {
  let t = Date.parse("2026-01-01T00:00:00Z");
  const store = await SqliteMetadataStore.open(path, { user, now: () => new Date((t += 1000)) });
  stores.push(store);
  return store;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const child = (name: string) => fileURLToPath(new URL(`./support/${name}`, import.meta.url));

describe("metadata store", () => {
  it("uses WAL and records the schema version", async () => {
    const store = await open();
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get()).toEqual({ v: 1 });
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

  it("marks a run whose process was killed as interrupted on the next open", async () => {
    const path = dbPath();
    await (await open(path)).close();
    stores.pop();
    const { stdout } = await run(process.execPath, ["--import", "tsx", child("crashing-run.ts"), path]).catch((e: { stdout: string }) => e);
    const runId = stdout.trim();
    expect(runId).not.toBe("");
    const store = await open(path);
    expect(await store.markInterrupted()).toEqual([runId]);
    const details = (await store.showRun(runId))!;
    expect(details.status).toBe("interrupted");
    expect(details.steps[0]!.status).toBe("interrupted");
    expect(await (await open(path)).markInterrupted()).toEqual([]);
  });

  it("gives distinct version numbers to processes registering at the same time", async () => {
    const path = dbPath();
    await open(path);
    const results = await Promise.all(
      ["a", "b"].map((tag) => run(process.execPath, ["--import", "tsx", child("register-many.ts"), path, tag, "200"])),
    );
    const versions = results.flatMap((r) => JSON.parse(r.stdout) as number[]).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  });
});
