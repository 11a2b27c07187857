/**
 * The request log: what the server writes is what `mlops monitor` reads; writes are off the request
 * path with a bounded queue (drops counted), rotated by size and age, old segments pruned.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSource } from "../../src/data/read-source.js";
import { requestLogPath, rotatedSegments, type RequestLogEntry } from "../../src/request-log/format.js";
import { readRequestLog } from "../../src/request-log/reader.js";
import { RequestLogWriter } from "../../src/request-log/writer.js";
import { mlops, removeProjects } from "../executor/support/projects.js";
import { pool, postJson } from "./support/http-client.js";
import { jsonRecords } from "./support/records.js";
import { serveProject, trainedProject } from "./support/served-project.js";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  removeProjects();
});

function tempLog(): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-request-log-"));
  temps.push(dir);
  return requestLogPath(dir, "api");
}

const entry = (at: number, i: number): RequestLogEntry => ({
  at: new Date(at).toISOString(),
  record: { x: i, pad: "p".repeat(100) },
  latencyMs: 1,
});

describe("request-log writer", () => {
  it("rotates by size, keeps the newest segments, and the reader reads them all back in order", async () => {
    const path = tempLog();
    let clock = Date.parse("2026-11-27T10:00:00Z");
    const writer = new RequestLogWriter(path, { rotateBytes: 2000, keepSegments: 3, flushIntervalMs: 1, now: () => clock });
    for (let i = 0; i < 200; i++) {
      writer.append(entry(clock, i));
      clock += 1000;
      if (i % 5 === 4) await new Promise((r) => setTimeout(r, 5));
    }
    await writer.close();
    expect(writer.written).toBe(200);
    expect(writer.dropped).toBe(0);
    const files = readdirSync(join(path, "..")).sort();
    expect(files.filter((f) => /^api\.\d{8}T\d{9}Z\.jsonl$/.test(f))).toHaveLength(3);
    expect(files).toContain("api.jsonl");
    const read = (await readRequestLog(path, 3_600_000, clock))!;
    const xs = read.map((e) => e.record.x as number);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(xs[xs.length - 1]).toBe(199);
    // the pruned segments' entries are gone, the kept ones are whole
    expect(xs.length).toBeLessThan(200);
    expect(xs).toEqual(Array.from({ length: xs.length }, (_, k) => 200 - xs.length + k));
  });

  it("rotates by age", async () => {
    const path = tempLog();
    let clock = Date.parse("2026-11-27T10:00:00Z");
    const writer = new RequestLogWriter(path, { rotateMs: 60_000, flushIntervalMs: 1, now: () => clock });
    writer.append(entry(clock, 0));
    await new Promise((r) => setTimeout(r, 20));
    clock += 61_000;
    writer.append(entry(clock, 1));
    await writer.close();
    const files = readdirSync(join(path, ".."));
    expect(files).toContain("api.20261127T100101000Z.jsonl");
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(1);
    expect((await readRequestLog(path, 3_600_000, clock))!.map((e) => e.record.x)).toEqual([0, 1]);
  });

  it("drops (and counts) what does not fit in the queue instead of waiting", async () => {
    const path = tempLog();
    const dropped: number[] = [];
    const writer = new RequestLogWriter(path, { maxQueue: 10, onDropped: (n) => dropped.push(n) });
    const accepted = Array.from({ length: 100 }, (_, i) => writer.append(entry(Date.now(), i))).filter(Boolean).length;
    expect(accepted).toBe(10);
    expect(writer.dropped).toBe(90);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(90);
    await writer.close();
    expect(writer.written).toBe(10);
  });

  it("a disk that refuses writes costs the entries, not the server", async () => {
    const path = tempLog();
    mkdirSync(path, { recursive: true });
    const errors: string[] = [];
    const writer = new RequestLogWriter(path, { onError: (e) => errors.push(e.message) });
    writer.append(entry(Date.now(), 0));
    await writer.close();
    expect(writer.dropped).toBe(1);
    expect(errors[0]).toContain("is not a regular file");
  });
});

describe("serve → monitor", () => {
  it("the monitor reads the traffic the server logged", async () => {
    const project = await trainedProject("fraud");
    const running = await serveProject(project, "fraud_api", { requestLog: { projectRoot: project.dir } });
    const source = project.plan.sources.transactions!;
    const { dataset } = await readSource(source, project.dir);
    const records = jsonRecords(
      dataset,
      source.columns.filter((c) => c.name !== "is_fraud"),
    ).slice(0, 600);
    await pool(60, 8, (k) => postJson(`${running.url}/v1/fraud`, { instances: records.slice(k * 10, k * 10 + 10) }));
    await postJson(`${running.url}/v1/fraud`, { instances: [{ amount: -1, merchant_category: "travel", hour: 1 }] });
    await running.stop();
    const lines = readFileSync(requestLogPath(project.dir, "fraud_api"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(600);
    const first = JSON.parse(lines[0]!) as RequestLogEntry;
    expect(Object.keys(first)).toEqual([
      "v",
      "at",
      "request",
      "instance",
      "deployment",
      "model",
      "version",
      "alias",
      "record",
      "output",
      "latencyMs",
    ]);
    expect(first).toMatchObject({ v: 1, deployment: "fraud_api", model: "fraud_clf", version: 1, alias: "production" });
    expect(first.output).toHaveProperty("label");
    const monitor = await mlops(["monitor", project.dir, "--quiet"]);
    expect(monitor.code, monitor.stdout + monitor.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(project.dir, ".mlops/reports/monitor.fraud_drift/monitor.json"), "utf8")) as {
      currentRows: number;
      current: string;
      signals: Record<string, number | null>;
    };
    expect(report.currentRows).toBe(600);
    expect(report.current).toBe(".mlops/requests/fraud_api.jsonl (600 requests in the window)");
    expect(report.signals.error_rate).toBe(0);
    expect(report.signals.latency_p50).toBeGreaterThan(0);
  }, 180_000);

  it("replicas sharing the log's folder each write their own file; the monitor reads them all", async () => {
    const project = await trainedProject("fraud");
    const replicas = await Promise.all(
      ["fraud-api-7d9c-a", "fraud-api-7d9c-b"].map((writer) =>
        serveProject(project, "fraud_api", { requestLog: { projectRoot: project.dir, writer } }),
      ),
    );
    const source = project.plan.sources.transactions!;
    const { dataset } = await readSource(source, project.dir);
    const records = jsonRecords(
      dataset,
      source.columns.filter((c) => c.name !== "is_fraud"),
    ).slice(0, 400);
    await pool(40, 8, (k) => postJson(`${replicas[k % 2]!.url}/v1/fraud`, { instances: records.slice(k * 10, k * 10 + 10) }));
    await Promise.all(replicas.map((r) => r.stop()));
    const logs = readdirSync(join(project.dir, ".mlops/requests")).sort();
    expect(logs).toEqual(["fraud_api~fraud-api-7d9c-a.jsonl", "fraud_api~fraud-api-7d9c-b.jsonl"]);
    for (const log of logs)
      expect(
        readFileSync(join(project.dir, ".mlops/requests", log), "utf8")
          .trim()
          .split("\n"),
      ).toHaveLength(200);
    const monitor = await mlops(["monitor", project.dir, "--quiet"]);
    expect(monitor.code, monitor.stdout + monitor.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(project.dir, ".mlops/reports/monitor.fraud_drift/monitor.json"), "utf8")) as {
      currentRows: number;
    };
    expect(report.currentRows).toBe(400);
  }, 180_000);
});

describe("request-log files", () => {
  it("the reader reads every writer's live file and rotated segments of one log, and no other log", async () => {
    const path = tempLog();
    const dir = join(path, "..");
    const at = Date.parse("2026-11-27T10:00:00Z");
    const line = (x: number) => `${JSON.stringify(entry(at + x * 1000, x))}\n`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "api.jsonl"), line(1));
    writeFileSync(join(dir, "api~pod-a.jsonl"), line(2));
    writeFileSync(join(dir, "api~pod-a.20261127T100010000Z.jsonl"), line(0));
    writeFileSync(join(dir, "api~pod.b.jsonl"), line(3));
    writeFileSync(join(dir, "api@canary~pod-c.jsonl"), line(50));
    writeFileSync(join(dir, "api2.jsonl"), line(51));
    writeFileSync(join(dir, "api~pod-a.jsonl.bak"), line(52));
    const read = (await readRequestLog(path, 3_600_000, at + 60_000))!;
    expect(read.map((e) => e.record.x).sort()).toEqual([0, 1, 2, 3]);
    // a live file nobody wrote to since the window began (a replica that is gone) is not read
    const before = new Date(at - 7_200_000);
    writeFileSync(join(dir, "api~gone.jsonl"), line(4));
    utimesSync(join(dir, "api~gone.jsonl"), before, before);
    expect((await readRequestLog(path, 3_600_000, at + 60_000))!.map((e) => e.record.x).sort()).toEqual([0, 1, 2, 3]);
    expect(requestLogPath(dir, "api", "canary", "pod/c d")).toBe(join(dir, ".mlops", "requests", "api@canary~pod_c_d.jsonl"));
    // a writer's retention counts its own segments only, not those of a writer whose name extends its own
    writeFileSync(join(dir, "api~pod-a.x.20261127T100011000Z.jsonl"), line(5));
    const own = await rotatedSegments(join(dir, "api~pod-a.jsonl"));
    expect(own.map((segment) => segment.path)).toEqual([join(dir, "api~pod-a.20261127T100010000Z.jsonl")]);
  });
});
